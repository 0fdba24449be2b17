import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  apiKeyListSchema,
  apiKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
} from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { ApiKeyService } from "./service.js";

const tags = ["API keys"];

export function registerApiKeyRoutes(app: OpenAPIHono<AppEnv>, apiKeys: ApiKeyService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/api-keys",
      tags,
      security,
      summary: "The project's API keys (never the secrets)",
      middleware: [requires("apikey:manage")],
      responses: { 200: json(apiKeyListSchema, "Keys"), ...problems },
    }),
    async (c) => c.json({ items: await apiKeys.listApiKeys(c.get("principal")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/api-keys",
      tags,
      security,
      summary: "Create an API key with a role; the secret is returned this once",
      middleware: [requires("apikey:manage")],
      request: { body: jsonBody(createApiKeyBodySchema) },
      responses: { 201: json(createdApiKeySchema, "The key and its secret"), ...problems },
    }),
    async (c) => c.json(await apiKeys.createApiKey(c.get("principal"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/v1/api-keys/{id}",
      tags,
      security,
      summary: "Revoke an API key",
      middleware: [requires("apikey:manage")],
      request: { params: z.object({ id: z.string().max(100) }) },
      responses: { 200: json(apiKeySchema, "The revoked key"), ...problems },
    }),
    async (c) =>
      c.json(await apiKeys.revokeApiKey(c.get("principal"), c.req.valid("param").id), 200),
  );
}
