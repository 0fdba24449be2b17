import type { IncomingMessage } from "node:http";
import { type Principal, Unauthorized } from "@promptline/core";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  type AppEnv,
  authenticate,
  CLIENT_HEADER,
  type Principals,
  requestKeyIds,
  requires,
  SESSION_COOKIE,
  SESSION_PATH,
} from "./auth.js";
import { AuthFailureThrottle } from "./auth-throttle.js";
import { errorToProblem, problem } from "./problem.js";

const admin: Principal = {
  projectId: "p1",
  role: "admin",
  actor: "apikey:admin",
  keyId: "k-admin",
};
const viewer: Principal = { projectId: "p1", role: "viewer", actor: "apikey:app", keyId: "k-app" };
const pairUser: Principal = { projectId: "p1", role: "editor", actor: "apikey:langfuse" };
const sessionUser: Principal = { projectId: "p1", role: "admin", actor: "session:ada" };

const known = (principal: Principal | undefined) => {
  if (!principal) throw new Unauthorized("unknown credential");
  return principal;
};
const principals: Principals = {
  ofKey: async (key) => known({ "pl-admin": admin, "pl-app": viewer }[key]),
  ofKeyPair: async (publicKey, secretKey) =>
    known(publicKey === "pk-lf-1" && secretKey === "sk-lf-1" ? pairUser : undefined),
  ofSession: async (token) => known(token === "session-1" ? sessionUser : undefined),
};

const silent = { error: () => {}, debug: () => {} };

/** A tiny app behind the authentication middleware, with `perMinute` failures allowed. */
function appWith(perMinute = 10) {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => errorToProblem(error, c, silent));
  const throttle = new AuthFailureThrottle(perMinute);
  app.use(
    "/api/*",
    authenticate(principals, { throttle, addressOf: (i) => i.socket.remoteAddress ?? "" }),
  );
  app.get("/api/v1/whoami", (c) => c.json(c.get("principal")));
  app.post("/api/v1/prompts", requires("prompt:write"), (c) => c.json({ created: true }, 201));
  app.post(SESSION_PATH, async (c) => {
    const { key } = await c.req.json<{ key: string }>();
    return key === "pl-admin" ? c.json({ signedIn: true }) : problem(c, 401, "unauthorized", "no");
  });
  app.get(SESSION_PATH, (c) => problem(c, 401, "unauthorized", "not signed in"));
  return app;
}

/** Sends a request as Node would hand it over: the raw request is the app's `incoming`. */
function send(
  app: Hono<AppEnv>,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
) {
  const incoming = {
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    socket: { remoteAddress: "10.0.0.7" },
  } as unknown as IncomingMessage;
  const env = { incoming } as AppEnv["Bindings"];
  return { incoming, response: app.request(path, { method, headers, body }, env) };
}

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString("base64")}`;

describe("authentication", () => {
  it("names the caller behind a bearer key, a Basic key pair or a session cookie", async () => {
    const app = appWith();
    const whoami = async (headers: Record<string, string>) =>
      (await send(app, "GET", "/api/v1/whoami", headers).response).json();
    expect(await whoami({ authorization: "Bearer pl-app" })).toEqual(viewer);
    expect(await whoami({ authorization: basic("pk-lf-1:sk-lf-1") })).toEqual(pairUser);
    expect(await whoami({ cookie: `${SESSION_COOKIE}=session-1` })).toEqual(sessionUser);
    // An Authorization header wins over a cookie the browser happens to send.
    expect(
      await whoami({ authorization: "Bearer pl-app", cookie: `${SESSION_COOKIE}=session-1` }),
    ).toEqual(viewer);
  });

  it("remembers the key id of each authenticated request for the access log", async () => {
    const { incoming, response } = send(appWith(), "GET", "/api/v1/whoami", {
      authorization: "Bearer pl-admin",
    });
    expect((await response).status).toBe(200);
    expect(requestKeyIds.get(incoming)).toBe("k-admin");
  });

  it("refuses missing, malformed and unknown credentials with 401 problems", async () => {
    const app = appWith();
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Token pl-admin" },
      { authorization: "Bearer pl-unknown" },
      { authorization: basic("pk-lf-1:wrong") },
      { authorization: basic("no-colon") },
      { cookie: `${SESSION_COOKIE}=expired` },
    ];
    for (const headers of refused) {
      const response = await send(app, "GET", "/api/v1/whoami", headers).response;
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ status: 401, code: "unauthorized" });
    }
  });

  it("closes the connection of a refused caller that sent a body, so its upload is not read", async () => {
    const app = appWith();
    const refused = await send(
      app,
      "POST",
      "/api/v1/prompts",
      { authorization: "Bearer pl-unknown", "content-length": "2" },
      "{}",
    ).response;
    expect(refused.status).toBe(401);
    expect(refused.headers.get("connection")).toBe("close");
    const bodiless = await send(app, "GET", "/api/v1/whoami").response;
    expect(bodiless.headers.get("connection")).toBeNull();
  });

  it("answers 429 with Retry-After once an address is past its allowance of failures", async () => {
    const app = appWith(2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await send(app, "GET", "/api/v1/whoami").response).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    const throttled = await send(app, "GET", "/api/v1/whoami").response;
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    // A valid key is never slowed by the failures of its address.
    const valid = send(app, "GET", "/api/v1/whoami", { authorization: "Bearer pl-admin" });
    expect((await valid.response).status).toBe(200);
  });

  it("refuses changes made with a session cookie unless the web UI's header comes along", async () => {
    const app = appWith();
    const cookie = `${SESSION_COOKIE}=session-1`;
    const forged = await send(app, "POST", "/api/v1/prompts", { cookie }).response;
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ message: expect.stringContaining(CLIENT_HEADER) });
    const fromUi = send(app, "POST", "/api/v1/prompts", { cookie, [CLIENT_HEADER]: "web" });
    expect((await fromUi.response).status).toBe(201);
  });

  it("lets the session path through unauthenticated, counting failed sign-ins but not page loads", async () => {
    const app = appWith(1);
    const signIn = (key: string) =>
      send(app, "POST", SESSION_PATH, { "content-type": "application/json" }, `{"key":"${key}"}`)
        .response;
    expect((await signIn("pl-admin")).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      expect((await send(app, "GET", SESSION_PATH).response).status).toBe(401);
    }
    expect((await signIn("pl-wrong")).status).toBe(401);
    const throttled = await signIn("pl-wrong");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).not.toBeNull();
  });
});

describe("permissions", () => {
  it("refuse a role without the route's permission, naming both", async () => {
    const app = appWith();
    const refused = await send(app, "POST", "/api/v1/prompts", {
      authorization: "Bearer pl-app",
    }).response;
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      message: "this needs the 'prompt:write' permission, which the 'viewer' role does not have",
    });
    const allowed = send(app, "POST", "/api/v1/prompts", { authorization: "Bearer pl-admin" });
    expect((await allowed.response).status).toBe(201);
  });
});
