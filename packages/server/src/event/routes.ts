import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { auditEventListQuerySchema, auditEventListSchema } from "@promptline/core";
import type { Kysely } from "kysely";
import { type AppEnv, requires } from "../http/auth.js";
import { json, problems, security } from "../http/openapi.js";
import type { Database } from "../storage/index.js";
import { listEventsNewestFirst } from "./store.js";

/** The audit log, read-only: every change the registry recorded, as it was recorded. */
export function registerEventRoutes(app: OpenAPIHono<AppEnv>, db: Kysely<Database>): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/events",
      tags: ["Audit log"],
      security,
      summary: "The audit log, newest first, filtered by type, actor, prompt, subject or time",
      description:
        "Each event is one recorded change with who made it and its payload as stored. Page with `before` = the previous page's `nextCursor`. Needs the admin role (`audit:read`).",
      middleware: [requires("audit:read")],
      request: { query: auditEventListQuerySchema },
      responses: { 200: json(auditEventListSchema, "A page of events"), ...problems },
    }),
    async (c) =>
      c.json(
        await listEventsNewestFirst(db, c.get("principal").projectId, c.req.valid("query")),
        200,
      ),
  );
}
