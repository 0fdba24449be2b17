import { jsonDepthExceeds, tooDeeplyNested } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";
import { storedJsonText } from "../storage/stored-values.js";
import { streamsBody } from "./limits.js";

/**
 * What a request body must satisfy before a route parses it; mounted after authentication, so no
 * body is read for a caller who is not known. Nesting is bounded everywhere, so no later
 * recursive walk (hashing, diffs, validation) can overflow. With `asStored`, NUL characters in
 * the body become U+FFFD before any route sees it (storage's NUL policy), so an answer shows, and
 * a content hash is taken of, what storage keeps. (The gateway passes NUL on to the provider;
 * storage replaces it in the trace it keeps.)
 */
export function checkBody({ asStored }: { asStored: boolean }): MiddlewareHandler {
  return async (c, next) => {
    // Judged in a function of its own, so the body's text is not held for the rest of the request.
    await judge(c, asStored);
    await next();
  };
}

async function judge(c: Context, asStored: boolean): Promise<void> {
  // A route that streams its body (a dataset import) reads it itself, after its permission check.
  const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD" && !streamsBody(c.req.path);
  // Binary bodies are left unread: Hono would keep them as text and hand routes broken bytes.
  if (!hasBody || !isPlainJson(c.req.header("content-type"), c.req.header("content-encoding"))) {
    return;
  }
  const text = await c.req.text();
  if (jsonDepthExceeds(text)) throw tooDeeplyNested("the request body");
  const stored = asStored ? storedJsonText(text) : text;
  // Routes read the body through Hono's cache of its text (c.req.json(), the validators), which
  // holds a promise whatever its type says; body-checks.test.ts fails if that ever changes.
  if (stored !== text) {
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(stored);
  }
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
