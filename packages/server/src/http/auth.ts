import { can, Forbidden, type Permission, type Principal, Unauthorized } from "@promptline/core";
import { createMiddleware } from "hono/factory";
import type { ApiKeyService } from "../apiKey/service.js";

export type AppEnv = { Variables: { principal: Principal } };

const BEARER = /^Bearer\s+(\S+)$/i;

/** The API key in an `Authorization: Bearer <key>` header, if there is one. */
export function bearerKey(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/** Establishes who is calling from `Authorization: Bearer <api key>`; every /api route needs it. */
export function authenticate(apiKeys: ApiKeyService) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const key = bearerKey(header);
    if (!key) {
      throw new Unauthorized("send your API key in the header 'Authorization: Bearer <key>'");
    }
    c.set("principal", await apiKeys.authenticate(key));
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
