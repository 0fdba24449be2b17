import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  createEnvironmentBodySchema,
  environmentListSchema,
  environmentSchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { EnvironmentService } from "./service.js";

const tags = ["Environments"];

export function registerEnvironmentRoutes(
  app: OpenAPIHono<AppEnv>,
  environments: EnvironmentService,
): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/environments",
      tags,
      security,
      summary: "The project's environments",
      middleware: [requires("prompt:read")],
      responses: {
        200: json(environmentListSchema, "Environments"),
        ...problems,
      },
    }),
    async (c) => c.json({ items: await environments.listEnvironments(c.get("principal")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/environments",
      tags,
      security,
      summary: "Create a custom environment (e.g. canary, eu-prod)",
      middleware: [requires("environment:manage")],
      request: { body: jsonBody(createEnvironmentBodySchema) },
      responses: { 201: json(environmentSchema, "The new environment"), ...problems },
    }),
    async (c) =>
      c.json(await environments.createEnvironment(c.get("principal"), c.req.valid("json")), 201),
  );
}
