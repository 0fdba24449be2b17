import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { problem } from "./problem.js";

const tooLarge = (c: Context, maxSize: number) =>
  problem(c, 413, "payload_too_large", `the body is over the ${maxSize} byte limit`);

/**
 * Refuses bodies over `maxSizeFor(path)` bytes with 413. Only requests that may carry a body are
 * judged: touching a GET's body would slow the hot path.
 */
export function limitBody(maxSizeFor: (path: string) => number): MiddlewareHandler {
  const streamingLimits = new Map<number, MiddlewareHandler>();
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const maxSize = maxSizeFor(c.req.path);
    // A declared length is judged from the header alone: Hono's middleware would first turn the
    // Node request into a web Request (streams and all), which costs more than the rest of a
    // gateway call. Chunked bodies are counted as they stream.
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(length) > maxSize ? tooLarge(c, maxSize) : next();
    }
    let limit = streamingLimits.get(maxSize);
    if (!limit) {
      limit = bodyLimit({ maxSize, onError: (c) => tooLarge(c, maxSize) });
      streamingLimits.set(maxSize, limit);
    }
    return limit(c, next);
  };
}
