import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  deployBodySchema,
  deploymentHistoryQuerySchema,
  deploymentListSchema,
  deploymentSchema,
  labelAtQuerySchema,
  labelAtSchema,
  rollbackBodySchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import type { DeploymentService } from "./service.js";

const tags = ["Deployments"];

export function registerDeploymentRoutes(
  app: OpenAPIHono<AppEnv>,
  deployments: DeploymentService,
): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/prompts/{name}/deployments",
      tags,
      security,
      summary: "Deploy: point an environment's label at a version",
      description: "Protected environments (production by default) need the admin role.",
      middleware: [requires("label:move")],
      request: { params: promptNameParam, body: jsonBody(deployBodySchema) },
      responses: { 201: json(deploymentSchema, "The recorded move"), ...problems },
    }),
    async (c) =>
      c.json(
        await deployments.deploy(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("json"),
        ),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/prompts/{name}/rollbacks",
      tags,
      security,
      summary: "Roll back: undo the label's last move, or point it back at a named version",
      middleware: [requires("label:move")],
      request: { params: promptNameParam, body: jsonBody(rollbackBodySchema) },
      responses: { 201: json(deploymentSchema, "The recorded move"), ...problems },
    }),
    async (c) =>
      c.json(
        await deployments.rollback(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("json"),
        ),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/deployments",
      tags,
      security,
      summary: "Label history: every deploy and rollback, newest first",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, query: deploymentHistoryQuerySchema },
      responses: { 200: json(deploymentListSchema, "Moves"), ...problems },
    }),
    async (c) =>
      c.json(
        await deployments.history(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("query"),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/labels/at",
      tags,
      security,
      summary: "Which version an environment served at a point in time",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, query: labelAtQuerySchema },
      responses: { 200: json(labelAtSchema, "The version then"), ...problems },
    }),
    async (c) => {
      const { environment, at } = c.req.valid("query");
      return c.json(
        await deployments.labelAt(c.get("principal"), c.req.valid("param").name, environment, at),
        200,
      );
    },
  );
}
