import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  createProviderBodySchema,
  providerListSchema,
  providerSchema,
  updateProviderBodySchema,
} from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { ProviderService } from "./service.js";

const tags = ["Providers"];
const nameParam = z.object({
  name: z
    .string()
    .max(100)
    .meta({ param: { name: "name", in: "path" } }),
});

export function registerProviderRoutes(app: OpenAPIHono<AppEnv>, providers: ProviderService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/providers",
      tags,
      security,
      summary: "The project's provider connections (keys are never returned)",
      middleware: [requires("provider:read")],
      responses: {
        200: json(providerListSchema, "Connections"),
        ...problems,
      },
    }),
    async (c) => c.json({ items: await providers.listProviders(c.get("principal")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/providers",
      tags,
      security,
      summary: "Connect a provider; its API key is encrypted at rest",
      middleware: [requires("provider:manage")],
      request: { body: jsonBody(createProviderBodySchema) },
      responses: { 201: json(providerSchema, "The new connection"), ...problems },
    }),
    async (c) =>
      c.json(await providers.createProvider(c.get("principal"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/providers/{name}",
      tags,
      security,
      summary: "One provider connection",
      middleware: [requires("provider:read")],
      request: { params: nameParam },
      responses: { 200: json(providerSchema, "The connection"), ...problems },
    }),
    async (c) =>
      c.json(await providers.getProvider(c.get("principal"), c.req.valid("param").name), 200),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/v1/providers/{name}",
      tags,
      security,
      summary: "Change a connection: URL, key (null removes it), header, model, timeout, retries",
      middleware: [requires("provider:manage")],
      request: { params: nameParam, body: jsonBody(updateProviderBodySchema) },
      responses: { 200: json(providerSchema, "The changed connection"), ...problems },
    }),
    async (c) =>
      c.json(
        await providers.updateProvider(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("json"),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/v1/providers/{name}",
      tags,
      security,
      summary: "Remove a connection",
      middleware: [requires("provider:manage")],
      request: { params: nameParam },
      responses: { 204: { description: "Removed" }, ...problems },
    }),
    async (c) => {
      await providers.deleteProvider(c.get("principal"), c.req.valid("param").name);
      return c.body(null, 204);
    },
  );
}
