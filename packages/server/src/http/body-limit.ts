import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { problem } from "./problem.js";

const tooLarge = (c: Context, maxSize: number) =>
  problem(c, 413, "payload_too_large", `the body is over the ${maxSize} byte limit`);

/**
 * The body as a stream that fails with a 413 once more than `maxSize` bytes came through, for
 * routes that read their body as it arrives (Hono's middleware would buffer it whole first).
 */
function countedBody(
  body: ReadableStream<Uint8Array>,
  maxSize: number,
): ReadableStream<Uint8Array> {
  let size = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxSize) {
          throw new HTTPException(413, { message: `the body is over the ${maxSize} byte limit` });
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Refuses bodies over `maxSizeFor(path)` bytes with 413. Only requests that may carry a body are
 * judged: touching a GET's body would slow the hot path. On the paths `streamed` names, a body of
 * unknown length is counted as the route reads it instead of being buffered.
 */
export function limitBody(
  maxSizeFor: (path: string) => number,
  streamed: (path: string) => boolean = () => false,
): MiddlewareHandler {
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
    if (streamed(c.req.path) && c.req.raw.body) {
      const { raw } = c.req;
      c.req.raw = new Request(raw, {
        body: countedBody(raw.body as ReadableStream, maxSize),
        duplex: "half",
      } as RequestInit);
      return next();
    }
    let limit = streamingLimits.get(maxSize);
    if (!limit) {
      limit = bodyLimit({ maxSize, onError: (c) => tooLarge(c, maxSize) });
      streamingLimits.set(maxSize, limit);
    }
    return limit(c, next);
  };
}
