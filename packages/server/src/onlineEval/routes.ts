/** The online-evaluation rules' API: list them, set one per prompt and environment, remove it. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  environmentNameSchema,
  onlineEvalListQuerySchema,
  onlineEvalRuleBodySchema,
  onlineEvalRuleListSchema,
  onlineEvalRuleSchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import type { OnlineEvalService } from "./service.js";

const tags = ["Online evaluation"];
const ruleParams = promptNameParam.extend({
  environment: environmentNameSchema.meta({
    param: { name: "environment", in: "path" },
    description: "The environment whose production calls are sampled",
    example: "production",
  }),
});
const rulePath = "/api/v1/prompts/{name}/online-evaluations/{environment}";

export function registerOnlineEvalRoutes(
  app: OpenAPIHono<AppEnv>,
  onlineEval: OnlineEvalService,
): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/online-evaluations",
      tags,
      security,
      summary: "The online-evaluation rules: which share of each environment's calls is scored",
      middleware: [requires("evaluation:read")],
      request: { query: onlineEvalListQuerySchema },
      responses: { 200: json(onlineEvalRuleListSchema, "Rules"), ...problems },
    }),
    async (c) =>
      c.json(
        {
          items: await onlineEval.listRules(c.get("principal"), c.req.valid("query").prompt),
        },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: rulePath,
      tags,
      security,
      summary: "Score a share of a prompt's production calls in an environment, in the background",
      description:
        "Sampled calls are scored by a bounded background worker (never on the request path); the scores attach to their traces with source 'evaluation'.",
      middleware: [requires("evaluation:run")],
      request: { params: ruleParams, body: jsonBody(onlineEvalRuleBodySchema) },
      responses: { 200: json(onlineEvalRuleSchema, "The rule now in effect"), ...problems },
    }),
    async (c) => {
      const { name, environment } = c.req.valid("param");
      return c.json(
        await onlineEval.setRule(c.get("principal"), name, environment, c.req.valid("json")),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: rulePath,
      tags,
      security,
      summary: "Stop scoring a prompt's calls in an environment",
      middleware: [requires("evaluation:run")],
      request: { params: ruleParams },
      responses: { 204: { description: "Removed" }, ...problems },
    }),
    async (c) => {
      const { name, environment } = c.req.valid("param");
      await onlineEval.removeRule(c.get("principal"), name, environment);
      return c.body(null, 204);
    },
  );
}
