/**
 * The evaluation-run API: start, list, read, results, progress (server-sent events), cancel,
 * resume and custom scores. Routes parse and authorise; the service holds the rules.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  createEvalRunBodySchema,
  evalProgressEventSchema,
  evalResultsPageSchema,
  evalResultsQuerySchema,
  evalRunListQuerySchema,
  evalRunListSchema,
  evalRunSchema,
  problemSchema,
  submitEvalScoresBodySchema,
  submitEvalScoresResultSchema,
} from "@promptline/core";
import { z } from "zod";
import type { StreamOptions } from "../changeFeed/stream.js";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { StreamLimits } from "../http/stream-limits.js";
import { progressStream } from "./progress.js";
import type { EvalRunService } from "./service.js";

const tags = ["Evaluations"];
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .meta({ param: { name: "id", in: "path" }, example: "0193a1b2-0000-7000-8000-000000000000" }),
});

export function registerEvalRunRoutes(
  app: OpenAPIHono<AppEnv>,
  runs: EvalRunService,
  streamOptions: Omit<StreamOptions, "release">,
  limits: StreamLimits,
): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/eval-runs",
      tags,
      security,
      summary: "Start an evaluation run: candidates × a dataset revision × models, scored",
      description:
        "Labels and the draft are pinned now. The run is carried out in the background; watch GET /eval-runs/{id}/progress. 404 names what is missing (prompt, version, dataset revision, judge prompt, environment, provider); 422 for a dataset revision with no cases.",
      middleware: [requires("evaluation:run")],
      request: { body: jsonBody(createEvalRunBodySchema) },
      responses: {
        201: json(evalRunSchema, "The run, queued"),
        ...problems,
        422: {
          description: "The dataset revision has no cases",
          content: { "application/problem+json": { schema: problemSchema } },
        },
      },
    }),
    async (c) => c.json(await runs.createRun(c.get("principal"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/eval-runs",
      tags,
      security,
      summary: "Evaluation runs, newest first",
      middleware: [requires("evaluation:read")],
      request: { query: evalRunListQuerySchema },
      responses: { 200: json(evalRunListSchema, "Runs"), ...problems },
    }),
    async (c) => c.json(await runs.listRuns(c.get("principal"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/eval-runs/{id}",
      tags,
      security,
      summary: "One run, with its summary (live while it runs)",
      middleware: [requires("evaluation:read")],
      request: { params: idParam },
      responses: { 200: json(evalRunSchema, "The run"), ...problems },
    }),
    async (c) => c.json(await runs.getRun(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/eval-runs/{id}/results",
      tags,
      security,
      summary: "Per-case outputs side by side, with score deltas against the baseline",
      middleware: [requires("evaluation:read")],
      request: { params: idParam, query: evalResultsQuerySchema },
      responses: { 200: json(evalResultsPageSchema, "A page of cases"), ...problems },
    }),
    async (c) =>
      c.json(
        await runs.results(c.get("principal"), c.req.valid("param").id, c.req.valid("query")),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/eval-runs/{id}/progress",
      tags,
      security,
      summary: "A run's progress as server-sent events",
      description:
        "`progress` events ({status, total, done, errored}) when the counters change, at most every 500 ms; comment heartbeats in between. Once the run has finished: a last `progress` event with its final status, an `end` event with the same data, and the stream ends.",
      middleware: [requires("evaluation:read")],
      request: { params: idParam },
      responses: {
        200: {
          description: "A text/event-stream of EvalProgressEvent",
          content: { "text/event-stream": { schema: evalProgressEventSchema } },
        },
        ...problems,
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      const { id } = c.req.valid("param");
      // A run that does not exist is a 404 before any stream opens.
      await runs.progress(principal, id);
      const release = limits.acquire(principal.keyId ?? principal.actor, c.get("clientAddress"));
      const stream = progressStream(() => runs.progress(principal, id), {
        ...streamOptions,
        release,
      });
      return c.body(stream, 200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      });
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/eval-runs/{id}/cancel",
      tags,
      security,
      summary: "Cancel a run: calls in flight are aborted, finished results kept",
      middleware: [requires("evaluation:run")],
      request: { params: idParam },
      responses: { 200: json(evalRunSchema, "The cancelled run"), ...problems },
    }),
    async (c) => c.json(await runs.cancelRun(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/eval-runs/{id}/resume",
      tags,
      security,
      summary: "Resume a cancelled or failed run with only its unfinished items",
      middleware: [requires("evaluation:run")],
      request: { params: idParam },
      responses: { 200: json(evalRunSchema, "The run, queued again"), ...problems },
    }),
    async (c) => c.json(await runs.resumeRun(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/eval-runs/{id}/scores",
      tags,
      security,
      summary: "Add scores from custom scorers (the CLI's) to a run's results",
      description:
        "Each score replaces one of the same name on that output, or is added to it; the summary is computed again. Every score must name an output the run has (404 otherwise); nothing is written unless all are. A name of one of the run's own scorers, or more than 20 custom score names in a run, is a 422. Each submission is audited (evaluation.scored).",
      middleware: [requires("evaluation:run")],
      request: { params: idParam, body: jsonBody(submitEvalScoresBodySchema) },
      responses: { 200: json(submitEvalScoresResultSchema, "Merged"), ...problems },
    }),
    async (c) =>
      c.json(
        await runs.submitScores(c.get("principal"), c.req.valid("param").id, c.req.valid("json")),
        200,
      ),
  );
}
