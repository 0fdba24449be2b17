import { PromptlineApiError } from "./errors.js";

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
  retries: number;
}

export type Fetched<T> = { status: 200; body: T; etag: string | null } | { status: 304 };

/** Waits `ms`, or less if `signal` aborts first; leaves no listener behind either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Retry delay: exponential with full jitter. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** attempt);
}

/** Answers worth asking again: the server is overloaded or failing, not saying no. */
export function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The server's problem answer as an error (its code and message when it sent one). */
export async function apiErrorOf(response: Response): Promise<PromptlineApiError> {
  const problem = (await response.json().catch(() => ({}))) as {
    code?: string;
    message?: string;
  };
  return new PromptlineApiError(
    response.status,
    problem.code ?? "http_error",
    problem.message ?? `${response.status} ${response.statusText}`,
  );
}

/**
 * A request with a timeout, retried with backoff on network errors and the answers `retryable`
 * accepts (default 429 and 5xx). Other 4xx answers are final and become a PromptlineApiError
 * with the server's message; anything below 400 is returned.
 */
export async function request(
  http: HttpOptions,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  retryable: (status: number) => boolean = isRetryable,
): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= http.retries; attempt++) {
    if (attempt > 0) await sleep(backoff(attempt, 100, 2_000));
    let response: Response;
    try {
      response = await http.fetch(`${http.baseUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${http.apiKey}`, ...init.headers },
        signal: AbortSignal.timeout(http.timeoutMs),
      });
    } catch (error) {
      lastError = error;
      continue;
    }
    if (response.status < 400) return response;
    const error = await apiErrorOf(response);
    if (!retryable(response.status)) throw error;
    lastError = error;
  }
  throw lastError;
}

/** GET a JSON resource, conditionally when an ETag is known; retried like `request`. */
export async function getJson<T>(
  http: HttpOptions,
  path: string,
  etag?: string,
): Promise<Fetched<T>> {
  const response = await request(http, path, {
    headers: etag ? { "if-none-match": etag } : {},
  });
  if (response.status === 304) return { status: 304 };
  return {
    status: 200,
    body: (await response.json()) as T,
    etag: response.headers.get("etag"),
  };
}
