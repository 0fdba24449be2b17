import { ApiError, apiErrorOf, UnreachableError } from "./errors.js";
import { backoff, isRetryable, sleep } from "./retry.js";

/** Sent with every change the browser makes: a cross-site form cannot add a header. */
export const CLIENT_HEADER = "x-promptline-client";

export interface TransportOptions {
  /** The server, e.g. http://127.0.0.1:4680; "" (the default) asks the page's own origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <key>`. Without it the browser's session cookie is used. */
  apiKey?: string;
  fetch?: typeof fetch;
  /** Per-attempt timeout, the answer's body included. Default 30 s; 0 waits for ever. */
  timeoutMs?: number;
  /** Further attempts after a network error, a timeout or an answer `retryable` accepts. Default 0. */
  retries?: number;
  /** Backoff between attempts: full jitter from `baseMs`, doubling up to `maxMs`. */
  retryDelay?: { baseMs: number; maxMs: number };
  /**
   * The longest `Retry-After` waited for before another attempt (default 10 s); an answer asking
   * for longer ends the attempts at once, its ApiError carrying `retryAfterMs`.
   */
  maxRetryAfterMs?: number;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue> | object;
  /** Encoded as JSON. */
  body?: unknown;
  /** A body that is JSON text already (e.g. a batch assembled from encoded parts). */
  jsonText?: string;
  /**
   * A body sent as it is (a file), with its type. A stream is sent as it is read (Node needs
   * `duplex: "half"` for that, set here) and, as it cannot be read twice, sent only once.
   */
  upload?: {
    body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | string;
    contentType: string;
  };
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Which failed answers are worth another attempt. Default: 429 and 5xx. */
  retryable?: (status: number) => boolean;
  /** Overrides the transport's timeout for this call; 0 for streams. */
  timeoutMs?: number;
  /**
   * Whether sending the request twice does no harm. Default: true for GET, HEAD, PUT and DELETE.
   * A request that is not is repeated only when the server cannot have acted on it: refused
   * (429, 503, or a 4xx `retryable` accepts) or the connection refused before it was sent.
   */
  idempotent?: boolean;
}

export type Fetched<T> = { status: 200; body: T; etag: string | null } | { status: 304 };

/**
 * One way to speak HTTP to the promptline API: base URL and credentials, timeouts, retries with
 * backoff (honouring Retry-After), and failures as ApiError (the server said no) or
 * UnreachableError (it could not be asked).
 */
export class Transport {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelay: { baseMs: number; maxMs: number };
  private readonly maxRetryAfterMs: number;

  constructor(private readonly options: TransportOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    if (this.baseUrl) checkBaseUrl(this.baseUrl);
    // Called unbound: a browser's fetch refuses to run with `this` set to another object.
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 0;
    this.retryDelay = options.retryDelay ?? { baseMs: 100, maxMs: 2_000 };
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  }

  /** The URL of `path` with `query` (undefined and null values left out). */
  url(path: string, query?: RequestOptions["query"]): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) params.append(key, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ""}`;
  }

  /** The headers that say who is calling. */
  credentials(): Record<string, string> {
    return this.options.apiKey
      ? { authorization: `Bearer ${this.options.apiKey}` }
      : { [CLIENT_HEADER]: "web" };
  }

  /**
   * Sends a request and returns the answer when it is below 400 (its body unread). A failed
   * answer becomes an ApiError, retried first when `retryable` accepts its status.
   */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const retryable = options.retryable ?? isRetryable;
    const repeatable = options.idempotent ?? IDEMPOTENT.has(method);
    const attempts = options.upload?.body instanceof ReadableStream ? 0 : this.retries;
    let lastError: Error = new UnreachableError("no attempt was made");
    for (let attempt = 0; attempt <= attempts; attempt++) {
      if (attempt > 0) {
        const asked = lastError instanceof ApiError ? (lastError.retryAfterMs ?? 0) : 0;
        if (asked > this.maxRetryAfterMs) break;
        const { baseMs, maxMs } = this.retryDelay;
        await sleep(Math.max(asked, backoff(attempt, baseMs, maxMs)), options.signal);
        if (options.signal?.aborted) throw options.signal.reason;
      }
      let response: Response;
      try {
        response = await this.attempt(method, path, options);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        lastError = this.unreachable(error, options.timeoutMs ?? this.timeoutMs);
        // A timeout or a dropped connection may come after the server acted on the request.
        if (!repeatable && !neverSent(error)) break;
        continue;
      }
      if (response.status < 400) return response;
      lastError = await apiErrorOf(response);
      if (!retryable(response.status)) break;
      // A failure inside the server may come after it acted; 429 and 503 refuse before acting.
      if (!repeatable && response.status >= 500 && response.status !== 503) break;
    }
    throw lastError;
  }

  /** Sends a request and reads its JSON answer (undefined for 204 No Content). */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return this.readJson<T>(response, options);
  }

  /** GETs a JSON resource, conditionally when an ETag is known. */
  async conditional<T>(
    path: string,
    etag: string | null | undefined,
    options: RequestOptions = {},
  ): Promise<Fetched<T>> {
    const response = await this.send("GET", path, {
      ...options,
      headers: { ...options.headers, ...(etag && { "if-none-match": etag }) },
    });
    if (response.status === 304) return { status: 304 };
    return {
      status: 200,
      body: await this.readJson<T>(response, options),
      etag: response.headers.get("etag"),
    };
  }

  private attempt(method: string, path: string, options: RequestOptions): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const signals = [
      ...(options.signal ? [options.signal] : []),
      ...(timeoutMs > 0 ? [AbortSignal.timeout(timeoutMs)] : []),
    ];
    const { upload } = options;
    const body =
      upload?.body ??
      options.jsonText ??
      (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType = upload?.contentType ?? "application/json";
    return this.fetchImpl(this.url(path, options.query), {
      method,
      credentials: "same-origin",
      headers: {
        ...this.credentials(),
        ...(body !== undefined && { "content-type": contentType }),
        ...options.headers,
      },
      ...(body !== undefined && { body }),
      ...(body instanceof ReadableStream && ({ duplex: "half" } as RequestInit)),
      ...(signals.length > 0 && {
        signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      }),
    });
  }

  /**
   * The JSON of a successful answer; something that is not JSON is said to be unreadable, and
   * an answer cut off or too slow to arrive whole is an UnreachableError like a failed request.
   */
  private async readJson<T>(response: Response, options: RequestOptions): Promise<T> {
    if (response.status === 204) return undefined as T;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw this.unreachable(error, options.timeoutMs ?? this.timeoutMs);
    }
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new ApiError(response.status, {
        status: response.status,
        code: "unreadable",
        message:
          "the server's answer could not be read — is something else answering at this address?",
      });
    }
  }

  private unreachable(error: unknown, timeoutMs: number): UnreachableError {
    const where = this.baseUrl || "this address";
    if (error instanceof Error && error.name === "TimeoutError") {
      return new UnreachableError(
        `the promptline server at ${where} did not answer within ${timeoutMs} ms`,
        { cause: error },
      );
    }
    const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } })
      ?.cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error)?.message;
    return new UnreachableError(`cannot reach the promptline server at ${where} (${reason})`, {
      cause: error,
    });
  }
}

/** Methods that may be sent twice with the effect of once. */
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** Whether a failed fetch never reached the server: the connection itself was refused. */
function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } })?.cause;
  return (cause?.code ?? cause?.errors?.[0]?.code) === "ECONNREFUSED";
}

/** Refuses a server URL that cannot work, saying what to give instead (never echoing a password). */
function checkBaseUrl(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`'${baseUrl}' is not a URL: give the server as http://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`the server URL must start with http:// or https://, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new TypeError("the server URL may not hold a user name or password: give an API key");
  }
}
