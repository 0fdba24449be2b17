import { jsonDepthExceeds, tooDeeplyNested } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";
import { problem } from "./problem.js";

// A JSON \u0000 escape not itself escaped (an odd run of backslashes before the u).
const JSON_NUL = /(?<!\\)(?:\\\\)*\\u0000/i;

/**
 * What a request body must satisfy before a route parses it; mounted after authentication, so no
 * body is read for a caller who is not known. Nesting is bounded everywhere, so no later
 * recursive walk (hashing, diffs, validation) can overflow. With `refuseNul`, NUL characters are
 * refused too: PostgreSQL text cannot hold them, and both engines must accept the same input.
 * (The gateway passes them on to the provider and strips them only from what it stores.)
 */
export function checkBody({ refuseNul }: { refuseNul: boolean }): MiddlewareHandler {
  return async (c, next) => {
    // Judged in a function of its own, so the body's text is not held for the rest of the request.
    const refused = await refusal(c, refuseNul);
    if (refused) return refused;
    await next();
  };
}

async function refusal(c: Context, refuseNul: boolean): Promise<Response | undefined> {
  const inUrl = refuseNul && /%00/.test(c.req.url);
  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
  // Binary bodies are left unread: Hono would keep them as text and hand routes broken bytes.
  const json =
    hasBody && isPlainJson(c.req.header("content-type"), c.req.header("content-encoding"));
  const text = json && !inUrl ? await c.req.text() : "";
  if (inUrl || (refuseNul && JSON_NUL.test(text))) {
    const where = inUrl ? "URL" : "body";
    return problem(
      c,
      400,
      "invalid",
      `text may not contain NUL characters (\\u0000); remove them from the ${where}`,
    );
  }
  if (jsonDepthExceeds(text)) throw tooDeeplyNested("the request body");
  return undefined;
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
