import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { changeEventSchema } from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { problems, security } from "../http/openapi.js";
import type { StreamLimits } from "../http/stream-limits.js";
import type { FeedHub } from "./hub.js";
import { changeStream, type StreamOptions } from "./stream.js";

const cursorSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export function registerChangeFeedRoutes(
  app: OpenAPIHono<AppEnv>,
  hub: FeedHub,
  options: Omit<StreamOptions, "release">,
  limits: StreamLimits,
): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/changes",
      tags: ["Client"],
      security,
      summary: "The project's change feed as server-sent events",
      description:
        "Each event's data is a ChangeEvent (new version, label moved, rollback …); its `id` increases. Reconnect with the Last-Event-ID header (or ?after=) to resume without losing events; without either the feed starts at the present. Comment lines are heartbeats. The server keeps the latest 500 events of a project: a cursor older than those (or past the newest) gets a `reset` event (`{position, reason}`, its id the position the feed goes on from) — look at everything you cache again. One key and one client address may hold a bounded number of streams open (429 with Retry-After past it).",
      middleware: [requires("prompt:read")],
      request: {
        query: z.object({ after: cursorSchema.optional() }).strict(),
        headers: z.object({ "last-event-id": cursorSchema.optional() }),
      },
      responses: {
        200: {
          description: "An endless text/event-stream of ChangeEvent",
          content: { "text/event-stream": { schema: changeEventSchema } },
        },
        ...problems,
      },
    }),
    (c) => {
      const cursor = c.req.valid("header")["last-event-id"] ?? c.req.valid("query").after;
      const principal = c.get("principal");
      const release = limits.acquire(principal.keyId ?? principal.actor, c.get("clientAddress"));
      const stream = changeStream(hub, principal.projectId, cursor, { ...options, release });
      return c.body(stream, 200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      });
    },
  );
}
