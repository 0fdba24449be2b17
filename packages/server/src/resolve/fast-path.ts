import type { IncomingMessage, ServerResponse } from "node:http";
import { can } from "@promptline/core";
import type { ApiKeyService } from "../apiKey/service.js";
import { bearerKey, requestKeyIds } from "../http/auth.js";
import { UNIT_HEADER } from "./assignment-context.js";
import type { ResolveService, Selector } from "./service.js";

const PREFIX = "/api/v1/client/prompts/";
const VERSION = /^[1-9]\d{0,8}$/;

/**
 * The resolve endpoint's answer straight from memory, before the request reaches the framework.
 * It answers only when everything is already known: a cached valid key allowed to read, a plain
 * label or version, a cached resolution. Anything else (first request, errors, odd queries) is
 * left to the full route, which validates, loads, caches and explains — so both paths agree.
 */
export function createResolveFastPath(apiKeys: ApiKeyService, resolver: ResolveService) {
  return function serveFromMemory(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url;
    if (req.method !== "GET" || url === undefined || !url.startsWith(PREFIX)) return false;
    const queryAt = url.indexOf("?");
    const rawName = url.slice(PREFIX.length, queryAt < 0 ? undefined : queryAt);
    if (rawName === "" || rawName.includes("/")) return false;
    const selector = parseSelector(queryAt < 0 ? "" : url.slice(queryAt + 1));
    // A caller to assign goes the full way: a rollout may give it another version.
    if (req.headers[UNIT_HEADER] !== undefined) return false;
    const key = bearerKey(req.headers.authorization);
    if (!selector || !key) return false;
    const principal = apiKeys.peekPrincipal(key);
    if (!principal || !can(principal, "prompt:read")) return false;
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      return false;
    }
    const resolution = resolver.peek(principal.projectId, name, selector);
    if (!resolution) return false;
    if (principal.keyId) requestKeyIds.set(req, principal.keyId);
    if (req.headers["if-none-match"] === resolution.etag) {
      res.writeHead(304, { etag: resolution.etag });
      res.end();
      return true;
    }
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(resolution.body),
      etag: resolution.etag,
    });
    res.end(resolution.body);
    return true;
  };
}

/** `label=x` or `version=n` or nothing; undefined for anything the full route should judge. */
function parseSelector(query: string): Selector | undefined {
  if (query === "") return {};
  const params = new URLSearchParams(query);
  let selector: Selector | undefined;
  for (const [key, value] of params) {
    if (selector !== undefined) return undefined;
    if (key === "label" && value.length > 0 && value.length <= 64) selector = { label: value };
    else if (key === "version" && VERSION.test(value)) selector = { version: Number(value) };
    else return undefined;
  }
  return selector;
}
