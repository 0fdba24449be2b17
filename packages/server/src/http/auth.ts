import { can, Forbidden, type Permission, type Principal, Unauthorized } from "@promptline/core";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ApiKeyService } from "../apiKey/service.js";
import type { SessionService } from "../session/service.js";

export type AppEnv = { Variables: { principal: Principal } };

const BEARER = /^Bearer\s+(\S+)$/i;

/** The API key in an `Authorization: Bearer <key>` header, if there is one. */
export function bearerKey(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)$/i;

/** The public and secret key of `Authorization: Basic base64(public:secret)` (Langfuse SDKs). */
function basicPair(
  header: string | undefined,
): { publicKey: string; secretKey: string } | undefined {
  const encoded = header ? BASIC.exec(header)?.[1] : undefined;
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { publicKey: decoded.slice(0, colon), secretKey: decoded.slice(colon + 1) };
}

export const SESSION_COOKIE = "promptline_session";
/** Sent by the web UI on every change it makes: a cross-site form cannot add a header. */
export const CLIENT_HEADER = "x-promptline-client";
/** Opening and closing a session authenticate on their own. */
export const SESSION_PATH = "/api/v1/session";

/**
 * Establishes who is calling: `Authorization: Bearer <api key>`, Basic auth with a key pair as
 * Langfuse SDKs send it, or the web UI's session cookie. Every /api route needs one.
 */
export function authenticate(apiKeys: ApiKeyService, sessions: SessionService) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path === SESSION_PATH) return next();
    const token = c.req.header("authorization") ? undefined : getCookie(c, SESSION_COOKIE);
    if (token) {
      const changes = c.req.method !== "GET" && c.req.method !== "HEAD";
      if (changes && !c.req.header(CLIENT_HEADER)) {
        throw new Forbidden(
          `requests that change something with a session cookie must carry the ${CLIENT_HEADER} header`,
        );
      }
      const { expiresAt: _, ...principal } = await sessions.principalOf(token);
      c.set("principal", principal);
      return next();
    }
    const header = c.req.header("authorization");
    const key = bearerKey(header);
    const pair = key ? undefined : basicPair(header);
    if (!key && !pair) {
      throw new Unauthorized(
        "send your API key in the header 'Authorization: Bearer <key>' (or a key pair with Basic auth)",
      );
    }
    const principal = pair
      ? await apiKeys.authenticate(pair.secretKey, pair.publicKey)
      : await apiKeys.authenticate(key as string);
    c.set("principal", principal);
    await next();
  });
}

/** Refuses the request unless the principal's role grants the permission. */
export function requires(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (!can(principal, permission)) {
      throw new Forbidden(
        `this needs the '${permission}' permission, which the '${principal.role}' role does not have`,
      );
    }
    await next();
  });
}
