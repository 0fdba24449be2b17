import { createHash, timingSafeEqual } from "node:crypto";
import type { Principal } from "@promptline/core";
import type { Hono } from "hono";
import { type AppEnv, type AuthGuard, bearerKey, tooManyFailures } from "./auth.js";
import { problem } from "./problem.js";

/** Compares secrets in constant time (digests first, so lengths do not leak either). */
function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Who may read /metrics: the configured metrics token (for Prometheus), or any admin API key.
 * `ofKey` names the caller behind a key and throws for one it does not know.
 */
export function metricsReaders(
  metricsToken: string | undefined,
  ofKey: (key: string) => Promise<Principal>,
): (token: string) => Promise<boolean> {
  return async (token) =>
    (metricsToken !== undefined && safeEqual(token, metricsToken)) ||
    ofKey(token).then(
      (principal) => principal.role === "admin",
      () => false,
    );
}

export interface MetricsEndpoint {
  /** Whether a bearer token may read the metrics. */
  mayRead(token: string): Promise<boolean>;
  /** The metrics in Prometheus text format. */
  scrape(): Promise<{ text: string; contentType: string }>;
  /** Refused scrapes count as failed authentications. */
  guard: AuthGuard;
}

/** Serves `/metrics` to callers sending a token that may read it. */
export function serveMetrics(app: Hono<AppEnv>, endpoint: MetricsEndpoint): void {
  app.get("/metrics", async (c) => {
    const token = bearerKey(c.req.header("authorization"));
    if (token === undefined || !(await endpoint.mayRead(token))) {
      const wait = endpoint.guard.throttle.fail(endpoint.guard.addressOf(c.env.incoming));
      if (wait !== undefined) return tooManyFailures(c, wait);
      return problem(
        c,
        401,
        "unauthorized",
        "send PROMPTLINE_METRICS_TOKEN or an admin API key as 'Authorization: Bearer <token>'",
      );
    }
    const { text, contentType } = await endpoint.scrape();
    return c.body(text, 200, { "content-type": contentType });
  });
}
