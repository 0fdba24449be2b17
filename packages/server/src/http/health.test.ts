import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./auth.js";
import { serveHealth } from "./health.js";

function appWith(ping: () => Promise<unknown>) {
  const app = new Hono<AppEnv>();
  const warnings: unknown[] = [];
  serveHealth(app, { database: "sqlite", ping, warn: (error) => warnings.push(error) });
  return { app, warnings };
}

describe("health checks", () => {
  it("answer alive and ready, naming the database, while it answers", async () => {
    const { app, warnings } = appWith(async () => [{ id: "p1" }]);
    expect(await (await app.request("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "sqlite" });
    expect(warnings).toEqual([]);
  });

  it("answer not ready with 503 when the database fails, still alive, and say why in the log", async () => {
    const down = new Error("connection refused");
    const { app, warnings } = appWith(() => Promise.reject(down));
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 503,
      code: "unavailable",
      message: "the database is not reachable",
    });
    expect(warnings).toEqual([down]);
    expect((await app.request("/healthz")).status).toBe(200);
  });
});
