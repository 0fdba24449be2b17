import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { sessionSchema, signInBodySchema, Unauthorized } from "@promptline/core";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { type AppEnv, SESSION_COOKIE, SESSION_PATH } from "../http/auth.js";
import { json, jsonBody, problems } from "../http/openapi.js";
import { SESSION_DAYS, type SessionService } from "./service.js";

const tags = ["Session"];

/** Secure cookies over HTTPS (directly or behind a proxy that says so); plain HTTP on loopback. */
function secure(c: Context): boolean {
  return c.req.url.startsWith("https:") || c.req.header("x-forwarded-proto") === "https";
}

export function registerSessionRoutes(app: OpenAPIHono<AppEnv>, sessions: SessionService): void {
  app.openapi(
    createRoute({
      method: "post",
      path: SESSION_PATH,
      tags,
      summary: "Sign the browser in with an API key: sets an httpOnly session cookie",
      request: {
        body: jsonBody(signInBodySchema),
      },
      responses: { 200: json(sessionSchema, "Signed in"), ...problems },
    }),
    async (c) => {
      const { token, principal, expiresAt } = await sessions.signIn(c.req.valid("json").apiKey);
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        secure: secure(c),
        maxAge: SESSION_DAYS * 86_400,
      });
      return c.json({ ...principal, expiresAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: SESSION_PATH,
      tags,
      summary: "Who the session cookie signs in",
      responses: { 200: json(sessionSchema, "The session"), ...problems },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (!token) throw new Unauthorized("not signed in: sign in with an API key");
      return c.json(await sessions.principalOf(token), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: SESSION_PATH,
      tags,
      summary: "Sign out: ends the session and clears the cookie",
      responses: { 204: { description: "Signed out" }, ...problems },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await sessions.signOut(token);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    },
  );
}
