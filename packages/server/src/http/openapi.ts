import type { OpenAPIHono } from "@hono/zod-openapi";
import { problemSchema, promptNameSchema } from "@promptline/core";
import type { ZodType } from "zod";
import { z } from "zod";
import type { AppEnv } from "./auth.js";

export const API_VERSION = "0.1.0";

/** Serves the OpenAPI document of every route registered on `app` at `/openapi.json`. */
export function documentApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "basicAuth", {
    type: "http",
    scheme: "basic",
    description: "A Langfuse-style key pair: public key as user name, secret key as password",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A promptline API key (pl_…)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "promptline API",
      version: API_VERSION,
      description:
        "Prompt registry: versions, environments, deployments and rollbacks (admin API), and prompt resolution (client API). Errors are problem objects {status, code, message, details}.",
    },
  });
}

/** Building blocks for route definitions, so each route states only what is its own. */
export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function json<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The errors every authenticated route can answer with. */
export const problems = {
  400: problemResponse("Invalid input: the message says which field and how to fix it"),
  401: problemResponse("Missing, unknown or revoked API key"),
  403: problemResponse("The key's role lacks the permission"),
  404: problemResponse("Not found"),
  409: problemResponse("Conflicts with the current state"),
  413: problemResponse("Body over the size limit"),
} as const;

export const security = [{ bearerAuth: [] }];

export const promptNameParam = z.object({
  name: promptNameSchema.meta({
    param: { name: "name", in: "path" },
    description: "The prompt's name, URL-encoded: support/refund-agent is support%2Frefund-agent",
    example: "support%2Frefund-agent",
  }),
});
