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
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue> | object;
  /** Encoded as JSON. */
  body?: unknown;
  /** A body that is JSON text already (e.g. a batch assembled from encoded parts). */
  jsonText?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Which failed answers are worth another attempt. Default: 429 and 5xx. */
  retryable?: (status: number) => boolean;
  /** Overrides the transport's timeout for this call; 0 for streams. */
  timeoutMs?: number;
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

  constructor(private readonly options: TransportOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    // Called unbound: a browser's fetch refuses to run with `this` set to another object.
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 0;
    this.retryDelay = options.retryDelay ?? { baseMs: 100, maxMs: 2_000 };
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
    let lastError: Error = new UnreachableError("no attempt was made");
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const asked = lastError instanceof ApiError ? (lastError.retryAfterMs ?? 0) : 0;
        const { baseMs, maxMs } = this.retryDelay;
        await sleep(
          Math.min(Math.max(asked, backoff(attempt, baseMs, maxMs)), 60_000),
          options.signal,
        );
        if (options.signal?.aborted) throw options.signal.reason;
      }
      let response: Response;
      try {
        response = await this.attempt(method, path, options);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        lastError = this.unreachable(error, options.timeoutMs ?? this.timeoutMs);
        continue;
      }
      if (response.status < 400) return response;
      lastError = await apiErrorOf(response);
      if (!retryable(response.status)) break;
    }
    throw lastError;
  }

  /** Sends a request and reads its JSON answer (undefined for 204 No Content). */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return readJson<T>(response);
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
    return { status: 200, body: await readJson<T>(response), etag: response.headers.get("etag") };
  }

  private attempt(method: string, path: string, options: RequestOptions): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const signals = [
      ...(options.signal ? [options.signal] : []),
      ...(timeoutMs > 0 ? [AbortSignal.timeout(timeoutMs)] : []),
    ];
    const body =
      options.jsonText ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    return this.fetchImpl(this.url(path, options.query), {
      method,
      credentials: "same-origin",
      headers: {
        ...this.credentials(),
        ...(body !== undefined && { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(body !== undefined && { body }),
      ...(signals.length > 0 && {
        signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals),
      }),
    });
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

/** The JSON of a successful answer; something that is not JSON is said to be unreadable. */
async function readJson<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
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
