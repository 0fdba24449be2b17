import type { Hono } from "hono";
import type { AppEnv } from "./auth.js";
import { problem } from "./problem.js";

export interface Readiness {
  /** The database engine, named in the answer. */
  database: string;
  /** Rejects when the database cannot answer a query. */
  ping(): Promise<unknown>;
  /** Hears why a readiness check failed. */
  warn(error: unknown): void;
}

/**
 * `/healthz` answers while the process runs (liveness); `/readyz` only while the database
 * answers too (readiness), for load balancers and orchestrators. Neither needs a key.
 */
export function serveHealth(app: Hono<AppEnv>, readiness: Readiness): void {
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await readiness.ping();
      return c.json({ status: "ready", database: readiness.database });
    } catch (error) {
      readiness.warn(error);
      return problem(c, 503, "unavailable", "the database is not reachable");
    }
  });
}
