import type { IncomingMessage, ServerResponse } from "node:http";
import { can, Forbidden, type Permission, type Principal, Unauthorized } from "@promptline/core";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AuthFailureThrottle } from "./auth-throttle.js";
import { problem } from "./problem.js";

export type AppEnv = {
  Bindings: { incoming: IncomingMessage; outgoing: ServerResponse };
  Variables: { principal: Principal; clientAddress: string };
};

/** The key id behind each authenticated request, for the access log (never the key itself). */
export const requestKeyIds = new WeakMap<IncomingMessage, string>();

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
 * Who is behind each kind of credential the API takes; each throws Unauthorized for a credential
 * it does not know. Built by the composition from the API key and session services.
 */
export interface Principals {
  /** An API key sent as `Authorization: Bearer <key>`. */
  ofKey(key: string): Promise<Principal>;
  /** A Langfuse-style key pair sent with Basic auth. */
  ofKeyPair(publicKey: string, secretKey: string): Promise<Principal>;
  /** The web UI's session cookie. */
  ofSession(token: string): Promise<Principal>;
}

export interface AuthGuard {
  throttle: AuthFailureThrottle;
  addressOf(incoming: IncomingMessage): string;
}

/**
 * Establishes who is calling: `Authorization: Bearer <api key>`, Basic auth with a key pair as
 * Langfuse SDKs send it, or the web UI's session cookie. Every /api route needs one. Failures
 * are counted per client address; past the allowance they are answered 429, and a refused
 * caller's connection is closed rather than its upload read.
 */
export function authenticate(principals: Principals, guard: AuthGuard) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const address = guard.addressOf(c.env.incoming);
    c.set("clientAddress", address);
    if (c.req.path === SESSION_PATH) {
      await next();
      // A failed sign-in counts; asking whether one is signed in (a page load) does not.
      if (c.req.method === "POST" && c.res.status === 401) {
        const wait = guard.throttle.fail(address);
        if (wait !== undefined) c.res = tooManyFailures(c, wait);
      }
      return;
    }
    let principal: Principal;
    try {
      principal = await principalOf(c, principals);
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      if (hasBody(c.env.incoming)) c.header("connection", "close");
      const wait = guard.throttle.fail(address);
      if (wait !== undefined) return tooManyFailures(c, wait);
      throw error;
    }
    if (principal.keyId) requestKeyIds.set(c.env.incoming, principal.keyId);
    c.set("principal", principal);
    await next();
  });
}

/** The answer past the allowance of failed authentications. */
export function tooManyFailures(c: Context, waitSeconds: number) {
  const seconds = Math.max(1, Math.ceil(waitSeconds));
  return problem(
    c,
    429,
    "rate_limited",
    `too many failed authentications from your address; check your API key and try again in ${seconds} s`,
    undefined,
    { "retry-after": String(seconds) },
  );
}

function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers["content-length"];
  return (
    (length !== undefined && length !== "0") || incoming.headers["transfer-encoding"] !== undefined
  );
}

async function principalOf(c: Context<AppEnv>, principals: Principals): Promise<Principal> {
  const token = c.req.header("authorization") ? undefined : getCookie(c, SESSION_COOKIE);
  if (token) {
    const changes = c.req.method !== "GET" && c.req.method !== "HEAD";
    if (changes && !c.req.header(CLIENT_HEADER)) {
      throw new Forbidden(
        `requests that change something with a session cookie must carry the ${CLIENT_HEADER} header`,
      );
    }
    return principals.ofSession(token);
  }
  const header = c.req.header("authorization");
  const key = bearerKey(header);
  const pair = key ? undefined : basicPair(header);
  if (!key && !pair) {
    throw new Unauthorized(
      "send your API key in the header 'Authorization: Bearer <key>' (or a key pair with Basic auth)",
    );
  }
  return pair
    ? principals.ofKeyPair(pair.publicKey, pair.secretKey)
    : principals.ofKey(key as string);
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
