import type { Problem } from "@promptline/core";

/**
 * The server answered, and the answer is no: its problem object `{status, code, message,
 * details}`, or one made up from the status when something else (a proxy) answered.
 */
export class ApiError extends Error {
  override name = "PromptlineApiError";
  readonly code: string;
  readonly details: unknown;
  /** How long the server asked to wait before asking again (429/503 with Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly status: number,
    readonly problem: Problem,
    retryAfterMs?: number,
  ) {
    super(problem.message);
    this.code = problem.code;
    this.details = problem.details;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The server could not be reached, or did not answer in time. */
export class UnreachableError extends Error {
  override name = "PromptlineUnreachableError";
}

/** Reads the problem object of an answer that was not 2xx; never throws. */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isProblem(parsed)) return { ...parsed, status: response.status };
  return {
    status: response.status,
    code: "http_error",
    message: `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
  };
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { message?: unknown }).message === "string" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}

/** An ApiError for the answer, with its Retry-After when it has one. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  return new ApiError(response.status, await problemOf(response), retryAfterOf(response));
}

/** Retry-After in milliseconds (seconds or an HTTP date), if the answer carries one. */
export function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
