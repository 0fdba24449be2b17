import type { Problem } from "@promptline/core";

/** An API answer that was not 2xx, with the server's problem object. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.message);
  }
}

/** The server could not be reached at all. */
export class UnreachableError extends Error {}

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createApiClient(
  baseUrl: string,
  apiKey: string,
  fetchImpl: typeof fetch = fetch,
): ApiClient {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetchImpl(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(body !== undefined && { "content-type": "application/json" }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } })
          .cause;
        const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).message;
        throw new UnreachableError(`cannot reach the promptline server at ${base} (${reason})`);
      }
      const text = await response.text();
      const parsed = text ? safeJson(text) : undefined;
      if (!response.ok) {
        const problem =
          parsed && typeof parsed === "object" && "message" in parsed
            ? (parsed as Problem)
            : { status: response.status, code: "http_error", message: text || response.statusText };
        throw new ApiError(response.status, problem);
      }
      return parsed as T;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Prompt names travel URL-encoded: support/refund-agent → support%2Frefund-agent. */
export function promptPath(name: string, rest = ""): string {
  return `/api/v1/prompts/${encodeURIComponent(name)}${rest}`;
}
