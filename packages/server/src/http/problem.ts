import {
  DomainError,
  type DomainErrorCode,
  type Problem,
  RateLimited,
  Unavailable,
} from "@promptline/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

const STATUS: Record<DomainErrorCode, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const HTTP_CODES: Partial<Record<number, string>> = {
  400: "invalid",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
  headers: Record<string, string> = {},
) {
  const body: Problem & { error?: unknown } =
    details === undefined ? { status, code, message } : { status, code, message, details };
  // OpenAI-compatible clients (the gateway's) read the message from an `error` object.
  if (c.req.path.startsWith("/v1/")) body.error = { message, type: code, param: null, code };
  return c.body(JSON.stringify(body), status, {
    "content-type": "application/problem+json",
    ...headers,
  });
}

/** How messages name where a bad value was: `body.name`, `query.limit`, `path.version`. */
const TARGETS: Record<string, string> = {
  json: "body",
  query: "query",
  param: "path",
  header: "header",
};

function where(path: PropertyKey[], target: string): string {
  return [TARGETS[target] ?? target, ...path.map(String)].join(".");
}

/** A zod failure as one sentence naming every bad field, plus the issues as details. */
export function validationProblem(c: Context, error: ZodError, target: string) {
  const issues = error.issues.map((issue) => ({
    path: where(issue.path, target),
    message: issue.message,
    ...("keys" in issue && { keys: issue.keys }),
  }));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return problem(c, 400, "invalid", message, { issues });
}

export interface ErrorLogger {
  error(object: unknown, message: string): void;
  debug(object: unknown, message: string): void;
}

/** Maps anything thrown in a handler to a problem response; only the unexpected is a 500. */
export function errorToProblem(error: unknown, c: Context, log: ErrorLogger) {
  if (error instanceof RateLimited || error instanceof Unavailable) {
    const retryAfter = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    return problem(c, STATUS[error.code], error.code, error.message, undefined, {
      "retry-after": retryAfter,
    });
  }
  if (error instanceof DomainError)
    return problem(c, STATUS[error.code], error.code, error.message, error.details);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const message =
      status === 415
        ? "send the body as JSON with 'Content-Type: application/json'"
        : error.message || "the request could not be read";
    return problem(c, status, HTTP_CODES[status] ?? "http_error", message);
  }
  // A caller that hung up mid-upload is no fault of the server's, and nobody hears the answer.
  if (c.req.raw.signal.aborted) {
    log.debug({ method: c.req.method, path: c.req.path }, "the client closed the connection");
    return problem(c, 400, "aborted", "the request was aborted before it was read");
  }
  log.error({ err: error, method: c.req.method, path: c.req.path }, "unhandled error");
  return problem(
    c,
    500,
    "internal",
    "the server failed to handle this request; it has been logged",
  );
}
