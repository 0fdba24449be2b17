import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  createPromptBodySchema,
  folderListSchema,
  promptContentSchema,
  promptDetailSchema,
  promptListQuerySchema,
  promptListSchema,
  updatePromptBodySchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import type { PromptService } from "./service.js";

const tags = ["Prompts"];

export function registerPromptRoutes(app: OpenAPIHono<AppEnv>, prompts: PromptService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts",
      tags,
      security,
      summary: "List prompts, with the version each environment serves",
      middleware: [requires("prompt:read")],
      request: { query: promptListQuerySchema },
      responses: { 200: json(promptListSchema, "A page of prompts, by name"), ...problems },
    }),
    async (c) => c.json(await prompts.listPrompts(c.get("principal"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/prompts",
      tags,
      security,
      summary: "Create a prompt (with an optional initial draft)",
      middleware: [requires("prompt:write")],
      request: { body: jsonBody(createPromptBodySchema) },
      responses: { 201: json(promptDetailSchema, "The new prompt"), ...problems },
    }),
    async (c) => c.json(await prompts.createPrompt(c.get("principal"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}",
      tags,
      security,
      summary: "Get a prompt with its draft and labels",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam },
      responses: { 200: json(promptDetailSchema, "The prompt"), ...problems },
    }),
    async (c) =>
      c.json(await prompts.getPrompt(c.get("principal"), c.req.valid("param").name), 200),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/v1/prompts/{name}",
      tags,
      security,
      summary: "Change a prompt's description or tags",
      middleware: [requires("prompt:write")],
      request: { params: promptNameParam, body: jsonBody(updatePromptBodySchema) },
      responses: { 200: json(promptDetailSchema, "The updated prompt"), ...problems },
    }),
    async (c) =>
      c.json(
        await prompts.updatePrompt(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("json"),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/api/v1/prompts/{name}/draft",
      tags,
      security,
      summary: "Replace the prompt's mutable draft",
      middleware: [requires("prompt:write")],
      request: { params: promptNameParam, body: jsonBody(promptContentSchema) },
      responses: { 200: json(promptDetailSchema, "The prompt with its new draft"), ...problems },
    }),
    async (c) =>
      c.json(
        await prompts.saveDraft(c.get("principal"), c.req.valid("param").name, c.req.valid("json")),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/folders",
      tags,
      security,
      summary: "The folders prompts live in, with how many prompts each holds",
      middleware: [requires("prompt:read")],
      responses: {
        200: json(folderListSchema, "Folders, sorted by path"),
        ...problems,
      },
    }),
    async (c) => c.json({ items: await prompts.listFolders(c.get("principal")) }, 200),
  );
}
