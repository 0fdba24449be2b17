import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { versionParamSchema } from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam } from "../http/openapi.js";
import { parseContext, UNIT_HEADER } from "../resolve/assignment-context.js";
import {
  langfuseCreateSchema,
  langfuseGetQuerySchema,
  langfuseListQuerySchema,
  langfusePromptListSchema,
  langfusePromptSchema,
  langfuseUpdateLabelsSchema,
} from "./schema.js";
import type { LangfuseService } from "./service.js";

const tags = ["Langfuse compatibility"];
const security: Array<Record<string, string[]>> = [{ basicAuth: [] }, { bearerAuth: [] }];

/** Langfuse's public prompt endpoints, so Langfuse SDKs work by changing their base URL. */
export function registerLangfuseRoutes(app: OpenAPIHono<AppEnv>, langfuse: LangfuseService): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/public/v2/prompts",
      tags,
      security,
      summary: "Create a prompt version (Langfuse API)",
      middleware: [requires("prompt:write")],
      request: { body: jsonBody(langfuseCreateSchema) },
      responses: { 201: json(langfusePromptSchema, "The version"), ...problems },
    }),
    async (c) => c.json(await langfuse.createVersion(c.get("principal"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/public/v2/prompts",
      tags,
      security,
      summary: "List prompts (Langfuse API)",
      middleware: [requires("prompt:read")],
      request: { query: langfuseListQuerySchema },
      responses: { 200: json(langfusePromptListSchema, "Prompts"), ...problems },
    }),
    async (c) => c.json(await langfuse.listPrompts(c.get("principal"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/public/v2/prompts/{name}",
      tags,
      security,
      summary: "Get a prompt by label (default production) or version (Langfuse API)",
      description:
        "While a rollout runs on the label, a `unit` (or X-Promptline-Unit header) gets the version the rollout assigns it; without one, the rollout's control.",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, query: langfuseGetQuerySchema },
      responses: { 200: json(langfusePromptSchema, "The version"), ...problems },
    }),
    async (c) => {
      const { unit, context, ...selector } = c.req.valid("query");
      return c.json(
        await langfuse.getPrompt(c.get("principal"), c.req.valid("param").name, selector, {
          unit: unit ?? c.req.header(UNIT_HEADER),
          context: parseContext(context),
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/public/v2/prompts/{name}/versions/{version}",
      tags,
      security,
      summary: "Point labels at a version (Langfuse API)",
      middleware: [requires("label:move")],
      request: {
        params: promptNameParam.extend({
          version: versionParamSchema,
        }),
        body: jsonBody(langfuseUpdateLabelsSchema),
      },
      responses: { 200: json(langfusePromptSchema, "The version with its labels"), ...problems },
    }),
    async (c) => {
      const { name, version } = c.req.valid("param");
      const { newLabels } = c.req.valid("json");
      return c.json(await langfuse.setLabels(c.get("principal"), name, version, newLabels), 200);
    },
  );
}
