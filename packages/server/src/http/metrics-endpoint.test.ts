import type { IncomingMessage } from "node:http";
import { type Principal, Unauthorized } from "@promptline/core";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./auth.js";
import { AuthFailureThrottle } from "./auth-throttle.js";
import { metricsReaders, serveMetrics } from "./metrics-endpoint.js";

const TOKEN = "prometheus-scrape-token";
const roles: Record<string, Principal["role"]> = { "pl-admin": "admin", "pl-app": "viewer" };
const ofKey = async (key: string): Promise<Principal> => {
  const role = roles[key];
  if (!role) throw new Unauthorized("unknown key");
  return { projectId: "p1", role, actor: `apikey:${role}` };
};

describe("who may read metrics", () => {
  it("is the metrics token and admin keys; not other keys, unknown keys or near misses", async () => {
    const mayRead = metricsReaders(TOKEN, ofKey);
    expect(await mayRead(TOKEN)).toBe(true);
    expect(await mayRead("pl-admin")).toBe(true);
    expect(await mayRead("pl-app")).toBe(false);
    expect(await mayRead("pl-unknown")).toBe(false);
    expect(await mayRead(`${TOKEN}x`)).toBe(false);
    expect(await mayRead(TOKEN.slice(0, -1))).toBe(false);
  });

  it("is admin keys only when no metrics token is set", async () => {
    const mayRead = metricsReaders(undefined, ofKey);
    expect(await mayRead("pl-admin")).toBe(true);
    expect(await mayRead("")).toBe(false);
  });
});

describe("the /metrics endpoint", () => {
  function appWith(perMinute = 10) {
    const app = new Hono<AppEnv>();
    let scrapes = 0;
    serveMetrics(app, {
      mayRead: async (token) => token === TOKEN,
      scrape: async () => {
        scrapes++;
        return { text: "promptline_up 1\n", contentType: "text/plain; version=0.0.4" };
      },
      guard: { throttle: new AuthFailureThrottle(perMinute), addressOf: () => "10.0.0.7" },
    });
    const incoming = {} as IncomingMessage;
    const scrape = (token?: string) =>
      app.request("/metrics", { headers: token ? { authorization: `Bearer ${token}` } : {} }, {
        incoming,
      } as AppEnv["Bindings"]);
    return { scrape, scrapes: () => scrapes };
  }

  it("answers a reader with the metrics in their content type", async () => {
    const { scrape } = appWith();
    const response = await scrape(TOKEN);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4");
    expect(await response.text()).toBe("promptline_up 1\n");
  });

  it("refuses others with 401 without collecting, and with 429 once past the allowance", async () => {
    const { scrape, scrapes } = appWith(2);
    const first = await scrape();
    expect(first.status).toBe(401);
    expect(await first.json()).toMatchObject({
      message: expect.stringContaining("PROMPTLINE_METRICS_TOKEN"),
    });
    expect((await scrape("wrong")).status).toBe(401);
    const throttled = await scrape("wrong");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).not.toBeNull();
    expect(scrapes()).toBe(0);
  });
});
