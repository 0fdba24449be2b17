import type { TraceInput } from "@promptline/core";

const MAX_ERROR_CHARS = 10_000;

/** A trace refused for what it holds; sending it again would not help. */
export interface RejectedTrace {
  id: string;
  reasons: string[];
  /** The trace as sent (absent when it could not be serialised). */
  trace?: TraceInput;
}

/**
 * `unreachable`: a batch failed (network, 429, 5xx) and stays buffered for a retry.
 * `rejected`: traces refused for what they hold, listed in `rejections` (or the whole batch, when
 * the server refused the request itself); not retried.
 * `dropped`: traces thrown away unsent: the buffer was full, or the reporter closed or refused.
 * `refused`: the server refused the API key (401/403); nothing more is sent.
 */
export type TraceProblem = "unreachable" | "rejected" | "dropped" | "refused";

/** A problem delivering traces, told to `onError`; `traces` is how many it concerns. */
export class TraceDeliveryError extends Error {
  override name = "TraceDeliveryError";
  constructor(
    readonly kind: TraceProblem,
    message: string,
    readonly traces: number,
    readonly rejections: RejectedTrace[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An error as text, cut to what the server keeps of a trace's error. */
export function messageOf(error: unknown): string {
  const text =
    error instanceof Error
      ? error.name === "Error"
        ? error.message
        : `${error.name}: ${error.message}`
      : typeof error === "string"
        ? error
        : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}
