import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  ingestBodySchema,
  ingestResultSchema,
  metricsQuerySchema,
  scoreInputSchema,
  scoreSchema,
  traceDetailSchema,
  traceIdSchema,
  traceListQuerySchema,
  traceListSchema,
  versionMetricsSchema,
} from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { TraceService } from "./service.js";

const tags = ["Traces"];
const idParam = z.object({ id: traceIdSchema.meta({ param: { name: "id", in: "path" } }) });

export function registerTraceRoutes(app: OpenAPIHono<AppEnv>, traces: TraceService): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/traces",
      tags,
      security,
      summary: "Ingest a batch of traces (answered once committed)",
      description:
        "Each trace is validated on its own: invalid ones are listed in `rejected` with reasons and the valid ones in the same batch are stored. Sending a trace with the same `id` again stores it once. Batches over 1 MiB take turns: a key sending a second one while its first is in progress is answered 429, and when the server is busy with others a batch waits briefly, then is answered 503; both carry `Retry-After`.",
      // Route middleware runs before the body is parsed: the parse is part of the turn.
      middleware: [requires("trace:write")],
      request: { body: jsonBody(ingestBodySchema) },
      responses: {
        200: json(ingestResultSchema, "What was stored and what was refused"),
        ...problems,
      },
    }),
    async (c) => {
      const { traces: items } = c.req.valid("json");
      // Parsed, the body's text (up to 16 MiB) is no longer needed while the batch is stored.
      c.req.bodyCache = {};
      return c.json(await traces.ingest(c.get("principal").projectId, items, "api"), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/traces",
      tags,
      security,
      summary:
        "Traces, newest first, filtered by prompt, version, label, variant, model, status, user, time or score",
      middleware: [requires("trace:read")],
      request: { query: traceListQuerySchema },
      responses: { 200: json(traceListSchema, "A page of traces"), ...problems },
    }),
    async (c) => c.json(await traces.listTraces(c.get("principal"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/traces/{id}",
      tags,
      security,
      summary: "One trace with its input, output and scores",
      middleware: [requires("trace:read")],
      request: { params: idParam },
      responses: { 200: json(traceDetailSchema, "The trace"), ...problems },
    }),
    async (c) => c.json(await traces.getTrace(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/traces/{id}/scores",
      tags,
      security,
      summary:
        "Attach a score to a trace: user feedback (thumbs up/down, a rating) or an evaluator's",
      middleware: [requires("trace:write")],
      request: { params: idParam, body: jsonBody(scoreInputSchema) },
      responses: { 201: json(scoreSchema, "The stored score"), ...problems },
    }),
    async (c) =>
      c.json(
        await traces.addScore(c.get("principal"), c.req.valid("param").id, c.req.valid("json")),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/metrics/versions",
      tags,
      security,
      summary:
        "Per-version calls, error rate, latency percentiles, tokens, cost and scores over time",
      description:
        "Defaults to the last 30 days by day (or the last 24 hours by hour). `deployments` lists the label moves in the range, to mark on a chart's time axis. `groupBy=variant` splits each version by the rollout variant that served its calls (`control`, `candidate`, or `null` outside a rollout), so a running rollout's arms are compared side by side; `variant=candidate` keeps one arm.",
      middleware: [requires("trace:read")],
      request: { query: metricsQuerySchema },
      responses: {
        200: json(versionMetricsSchema, "Metrics per version (or per version and variant)"),
        ...problems,
      },
    }),
    async (c) => c.json(await traces.versionMetrics(c.get("principal"), c.req.valid("query")), 200),
  );
}
