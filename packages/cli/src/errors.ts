import { ApiError, UnreachableError } from "@promptline/client";

/** A mistake in how the command was called (or in a file it was given). */
export class UsageError extends Error {}

/** Something named on the command line does not exist. */
export class NotFoundError extends Error {}

/**
 * A failure with more to say than one line: the lines printed under its message (a refused
 * deploy's unmet requirements), and the exit code it ends with.
 */
export class ExplainedError extends Error {
  constructor(
    message: string,
    readonly lines: string[],
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  conflict: 5,
  unreachable: 6,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof ExplainedError) return error.exitCode;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof UnreachableError) return EXIT.unreachable;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) return EXIT.auth;
    if (error.status === 404) return EXIT.notFound;
    if (error.status === 409) return EXIT.conflict;
    if (error.status >= 400 && error.status < 500) return EXIT.usage;
  }
  return EXIT.failure;
}
