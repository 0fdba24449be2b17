import { can, Forbidden, type Permission, type Principal, Unauthorized } from "@promptline/core";
import { createMiddleware } from "hono/factory";
import type { ApiKeyService } from "../apiKey/service.js";

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

/**
 * Establishes who is calling: `Authorization: Bearer <api key>`, or Basic auth with a key pair
 * as Langfuse SDKs send it. Every /api route needs one.
 */
export function authenticate(apiKeys: ApiKeyService) {
  return createMiddleware<AppEnv>(async (c, next) => {
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
