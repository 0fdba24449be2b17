import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  MAX_STORED_INT,
  rolloutActionBodySchema,
  rolloutDetailSchema,
  rolloutListQuerySchema,
  rolloutListSchema,
  rolloutSchema,
  startRolloutBodySchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import type { PersonAction, RolloutService } from "./service.js";

const tags = ["Rollouts"];

const rolloutParams = promptNameParam.extend({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(MAX_STORED_INT)
    .meta({ param: { name: "id", in: "path" }, description: "The rollout's id", example: 3 }),
});

const ACTIONS: Record<PersonAction, string> = {
  advance: "Advance a canary to its next step",
  pause: "Pause: the split stays, the monitor stops advancing it (it still rolls back on a breach)",
  resume: "Resume a paused rollout",
  promote: "Promote: the candidate becomes the label's version and the rollout ends",
  abort: "Abort: everyone goes back to the control and the rollout ends",
};

export function registerRolloutRoutes(app: OpenAPIHono<AppEnv>, rollouts: RolloutService): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/prompts/{name}/rollouts",
      tags,
      security,
      summary: "Start a rollout: a split or a canary of candidate versions against the control",
      description:
        "The control is the version the environment serves now. Needs label:move (admin on protected environments); each candidate passes the environment's gate. One rollout per label at a time; while it runs, deploys and rollbacks to that environment are refused.",
      middleware: [requires("label:move")],
      request: { params: promptNameParam, body: jsonBody(startRolloutBodySchema) },
      responses: { 201: json(rolloutSchema, "The rollout, running"), ...problems },
    }),
    async (c) =>
      c.json(
        await rollouts.start(c.get("principal"), c.req.valid("param").name, c.req.valid("json")),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/rollouts",
      tags,
      security,
      summary: "A prompt's rollouts, newest first",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, query: rolloutListQuerySchema },
      responses: { 200: json(rolloutListSchema, "Rollouts"), ...problems },
    }),
    async (c) =>
      c.json(
        await rollouts.list(c.get("principal"), c.req.valid("param").name, c.req.valid("query")),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/rollouts",
      tags,
      security,
      summary: "The project's rollouts, newest first (active=true: running and paused)",
      middleware: [requires("prompt:read")],
      request: { query: rolloutListQuerySchema },
      responses: { 200: json(rolloutListSchema, "Rollouts"), ...problems },
    }),
    async (c) => c.json(await rollouts.listAll(c.get("principal"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/rollouts/{id}",
      tags,
      security,
      summary: "A rollout with its decisions, guardrail checks over time and traffic per variant",
      middleware: [requires("prompt:read")],
      request: { params: rolloutParams },
      responses: { 200: json(rolloutDetailSchema, "The rollout"), ...problems },
    }),
    async (c) => {
      const { name, id } = c.req.valid("param");
      return c.json(await rollouts.detail(c.get("principal"), name, id), 200);
    },
  );

  for (const [action, summary] of Object.entries(ACTIONS) as [PersonAction, string][]) {
    app.openapi(
      createRoute({
        method: "post",
        path: `/api/v1/prompts/{name}/rollouts/{id}/${action}`,
        tags,
        security,
        summary,
        middleware: [requires("label:move")],
        request: {
          params: rolloutParams,
          body: jsonBody(rolloutActionBodySchema),
        },
        responses: { 200: json(rolloutSchema, "The rollout as changed"), ...problems },
      }),
      async (c) => {
        const { name, id } = c.req.valid("param");
        return c.json(
          await rollouts.act(c.get("principal"), name, id, action, c.req.valid("json")),
          200,
        );
      },
    );
  }
}
