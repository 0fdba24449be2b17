import { jsonDepthExceeds, tooDeeplyNested } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";

/**
 * What a request body must satisfy before a route parses it; mounted after authentication, so no
 * body is read for a caller who is not known. Nesting is bounded everywhere, so no later
 * recursive walk (hashing, diffs, validation) can overflow. (NUL characters are not judged here:
 * storage replaces them, the one place that knows an engine cannot hold them.)
 */
export function checkBody(): MiddlewareHandler {
  return async (c, next) => {
    // Judged in a function of its own, so the body's text is not held for the rest of the request.
    await refuseDeepNesting(c);
    await next();
  };
}

async function refuseDeepNesting(c: Context): Promise<void> {
  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
  // Binary bodies are left unread: Hono would keep them as text and hand routes broken bytes.
  if (!hasBody || !isPlainJson(c.req.header("content-type"), c.req.header("content-encoding"))) {
    return;
  }
  if (jsonDepthExceeds(await c.req.text())) throw tooDeeplyNested("the request body");
}

/**
 * Bodies a route may parse as JSON, whatever type they claim (the gateway parses any); not
 * protobuf, other binary or compressed bodies, which are judged once decoded.
 */
function isPlainJson(type: string | undefined, encoding: string | undefined): boolean {
  return (
    (encoding === undefined || encoding === "identity") &&
    !/protobuf|octet-stream|multipart/i.test(type ?? "")
  );
}
