/**
 * Typed domain errors. Services throw these; the HTTP layer maps each `code` to a problem
 * response, so a client mistake never surfaces as a 500.
 */
export type DomainErrorCode =
  | "invalid"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "forbidden"
  | "unauthorized"
  | "rate_limited"
  | "unavailable";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  constructor(message: string, details?: unknown) {
    super("invalid", message, details);
  }
}

export class NotFound extends DomainError {
  constructor(message: string, details?: unknown) {
    super("not_found", message, details);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, details?: unknown) {
    super("conflict", message, details);
  }
}

/** Well-formed, but names something that does not exist (a 422): a policy's unknown dataset. */
export class Unprocessable extends DomainError {
  constructor(message: string, details?: unknown) {
    super("unprocessable", message, details);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string, details?: unknown) {
    super("forbidden", message, details);
  }
}

export class Unauthorized extends DomainError {
  constructor(message: string, details?: unknown) {
    super("unauthorized", message, details);
  }
}

/** A limit the caller reached; it may try again after `retryAfterSeconds` (a 429). */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", message);
  }
}

/** The server is at capacity; try again after `retryAfterSeconds` (a 503). */
export class Unavailable extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("unavailable", message);
  }
}
