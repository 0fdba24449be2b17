import type { IncomingMessage, ServerResponse } from "node:http";
import { type AssignmentContext, can, MAX_CONTEXT_LENGTH } from "@promptline/core";
import type { ApiKeyService } from "../apiKey/service.js";
import { bearerKey, requestKeyIds } from "../http/auth.js";
import { UNIT_HEADER } from "./assignment-context.js";
import type { ResolveService, Selector } from "./service.js";

const PREFIX = "/api/v1/client/prompts/";
const VERSION = /^[1-9]\d{0,8}$/;

/**
 * The resolve endpoint's answer straight from memory, before the request reaches the framework.
 * It answers only when everything is already known: a cached valid key allowed to read, a plain
 * label or version (with a unit and a context to assign, or without), cached resolutions. Anything
 * else (first request, errors, odd queries) is left to the full route, which validates, loads,
 * caches and explains — so both paths agree.
 */
export function createResolveFastPath(apiKeys: ApiKeyService, resolver: ResolveService) {
  return function serveFromMemory(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url;
    if (req.method !== "GET" || url === undefined || !url.startsWith(PREFIX)) return false;
    const queryAt = url.indexOf("?");
    const rawName = url.slice(PREFIX.length, queryAt < 0 ? undefined : queryAt);
    if (rawName === "" || rawName.includes("/")) return false;
    const query = parseQuery(queryAt < 0 ? "" : url.slice(queryAt + 1));
    const key = bearerKey(req.headers.authorization);
    if (!query || !key) return false;
    const principal = apiKeys.peekPrincipal(key);
    if (!principal || !can(principal, "prompt:read")) return false;
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      return false;
    }
    const unit = query.unit ?? req.headers[UNIT_HEADER];
    if (unit !== undefined && (typeof unit !== "string" || !validUnit(unit))) return false;
    const context = query.context === undefined ? undefined : contextOf(query.context);
    if (context === null) return false;
    const resolution = resolver.peek(principal.projectId, name, query.selector, context, unit);
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

interface FastQuery {
  selector: Selector;
  unit?: string;
  /** The context's text, parsed once the caller is known. */
  context?: string;
}

const validUnit = (unit: string) => unit.length > 0 && unit.length <= 256;

/**
 * `label=x` or `version=n` or neither, and `unit` and `context` or not, each at most once;
 * undefined for anything the full route should judge.
 */
function parseQuery(query: string): FastQuery | undefined {
  const parsed: FastQuery = { selector: {} };
  if (query === "") return parsed;
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(query)) {
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (key === "label" && value.length > 0 && value.length <= 64) parsed.selector.label = value;
    else if (key === "version" && VERSION.test(value)) parsed.selector.version = Number(value);
    else if (key === "unit" && validUnit(value)) parsed.unit = value;
    else if (key === "context" && value.length <= MAX_CONTEXT_LENGTH) parsed.context = value;
    else return undefined;
  }
  if (parsed.selector.label !== undefined && parsed.selector.version !== undefined)
    return undefined;
  return parsed;
}

/** The context's attributes, or null when it is not a JSON object (the full route explains). */
function contextOf(text: string): AssignmentContext | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as AssignmentContext)
      : null;
  } catch {
    return null;
  }
}
