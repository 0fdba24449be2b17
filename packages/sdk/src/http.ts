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

/**
 * GET with a timeout, retried with backoff on network errors, 429 and 5xx. Other 4xx answers are
 * final and become a PromptlineApiError with the server's message.
 */
export async function getJson<T>(
  http: HttpOptions,
  path: string,
  etag?: string,
): Promise<Fetched<T>> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= http.retries; attempt++) {
    if (attempt > 0) await sleep(backoff(attempt, 100, 2_000));
    let response: Response;
    try {
      response = await http.fetch(`${http.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${http.apiKey}`, ...(etag && { "if-none-match": etag }) },
        signal: AbortSignal.timeout(http.timeoutMs),
      });
    } catch (error) {
      lastError = error;
      continue;
    }
    if (response.status === 304) return { status: 304 };
    if (response.ok)
      return {
        status: 200,
        body: (await response.json()) as T,
        etag: response.headers.get("etag"),
      };
    const problem = (await response.json().catch(() => ({}))) as {
      code?: string;
      message?: string;
    };
    const error = new PromptlineApiError(
      response.status,
      problem.code ?? "http_error",
      problem.message ?? `${response.status} ${response.statusText}`,
    );
    if (response.status !== 429 && response.status < 500) throw error;
    lastError = error;
  }
  throw lastError;
}
