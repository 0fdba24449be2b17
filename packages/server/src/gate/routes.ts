import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  environmentGateSchema,
  environmentParamSchema,
  gateVerdictSchema,
  problemSchema,
  promptGatesQuerySchema,
  promptGatesSchema,
  recommendedGateQuerySchema,
  recommendedGateSchema,
  runGateQuerySchema,
  setGatePolicyBodySchema,
} from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import type { GateService } from "./service.js";

const tags = ["Gates"];
const runIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .meta({ param: { name: "id", in: "path" } }),
});

export function registerGateRoutes(app: OpenAPIHono<AppEnv>, gates: GateService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/environments/{env}/gate",
      tags,
      security,
      summary: "An environment's gate policy (null when it has none)",
      middleware: [requires("evaluation:read")],
      request: { params: environmentParamSchema },
      responses: { 200: json(environmentGateSchema, "The policy"), ...problems },
    }),
    async (c) => c.json(await gates.getPolicy(c.get("principal"), c.req.valid("param").env), 200),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/api/v1/environments/{env}/gate",
      tags,
      security,
      summary: "Set an environment's gate policy (admins)",
      description:
        "Keyed by bump level (patch, minor, major); a level without a rule passes freely. Every dataset named must exist (422 naming the ones that do not).",
      middleware: [requires("gate:manage")],
      request: { params: environmentParamSchema, body: jsonBody(setGatePolicyBodySchema) },
      responses: {
        200: json(environmentGateSchema, "The policy as saved"),
        ...problems,
        422: {
          description: "The policy names a dataset that does not exist",
          content: { "application/problem+json": { schema: problemSchema } },
        },
      },
    }),
    async (c) =>
      c.json(
        await gates.setPolicy(
          c.get("principal"),
          c.req.valid("param").env,
          c.req.valid("json").policy,
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/v1/environments/{env}/gate",
      tags,
      security,
      summary: "Remove an environment's gate policy (admins)",
      middleware: [requires("gate:manage")],
      request: { params: environmentParamSchema },
      responses: { 204: { description: "Removed" }, ...problems },
    }),
    async (c) => {
      await gates.removePolicy(c.get("principal"), c.req.valid("param").env);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/gates/recommended",
      tags,
      security,
      summary: "The recommended production policy for a dataset",
      description:
        "Built from the scorers of the dataset's latest finished run: deterministic checks for a patch, no significant regression for a minor, a minimum mean of 0.8 for a major; a 10 s mean latency limit throughout. Offered, never applied: PUT it to use it.",
      middleware: [requires("evaluation:read")],
      request: { query: recommendedGateQuerySchema },
      responses: { 200: json(recommendedGateSchema, "The recommendation"), ...problems },
    }),
    async (c) =>
      c.json(await gates.recommended(c.get("principal"), c.req.valid("query").dataset), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/gates",
      tags,
      security,
      summary: "Whether each environment's gate would let a version through, and why not",
      middleware: [requires("evaluation:read")],
      request: { params: promptNameParam, query: promptGatesQuerySchema },
      responses: { 200: json(promptGatesSchema, "One verdict per environment"), ...problems },
    }),
    async (c) =>
      c.json(
        await gates.promptStatus(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("query").version,
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/eval-runs/{id}/gate",
      tags,
      security,
      summary: "The verdict an environment's gate would give the run's first candidate",
      description:
        "This run is the evidence for its dataset; for a published version, its latest runs on other datasets count too. The level defaults to the bump from what the environment serves; a draft or file candidate has no semantic version and needs ?level=.",
      middleware: [requires("evaluation:read")],
      request: { params: runIdParam, query: runGateQuerySchema },
      responses: { 200: json(gateVerdictSchema, "The verdict"), ...problems },
    }),
    async (c) =>
      c.json(
        await gates.runGate(c.get("principal"), c.req.valid("param").id, c.req.valid("query")),
        200,
      ),
  );
}
