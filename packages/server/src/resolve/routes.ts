import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  compileBodySchema,
  compiledPromptSchema,
  resolvedPromptSchema,
  resolveQuerySchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import { parseContext, UNIT_HEADER } from "./assignment-context.js";
import type { ResolveService } from "./service.js";

const tags = ["Client"];

/** The client API: what applications call at runtime, served from memory. */
export function registerResolveRoutes(app: OpenAPIHono<AppEnv>, resolver: ResolveService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/client/prompts/{name}",
      tags,
      security,
      summary: "Resolve a prompt by label (default production) or version, ready to compile",
      description:
        "Answers 304 to a matching If-None-Match. While a rollout runs on the label, a unit (the `unit` parameter or the X-Promptline-Unit header, with `context` for targeting rules) is assigned a version; without one the control is served, with the rollout's definition.",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, query: resolveQuerySchema },
      responses: {
        200: json(resolvedPromptSchema, "The resolved prompt"),
        304: { description: "Unchanged since the ETag given" },
        ...problems,
      },
    }),
    async (c) => {
      const { unit, context, ...selector } = c.req.valid("query");
      const resolution = await resolver.resolveFor(
        c.get("principal").projectId,
        c.req.valid("param").name,
        selector,
        parseContext(context),
        unit ?? c.req.header(UNIT_HEADER),
      );
      if (c.req.header("if-none-match") === resolution.etag)
        return c.body(null, 304, { etag: resolution.etag });
      return c.body(resolution.body, 200, {
        "content-type": "application/json",
        etag: resolution.etag,
      });
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/client/prompts/{name}/compile",
      tags,
      security,
      summary: "Resolve and compile a prompt with variables (and history placeholders)",
      description:
        "While a rollout runs on the label, a caller with a unit (`unit`, the X-Promptline-Unit header, or the rollout's unit attribute in `context`) gets the version assigned to it compiled, with `variant`; without one, the control.",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, body: jsonBody(compileBodySchema) },
      responses: { 200: json(compiledPromptSchema, "The compiled prompt"), ...problems },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const unit = body.unit ?? c.req.header(UNIT_HEADER);
      return c.json(
        await resolver.compile(c.get("principal"), c.req.valid("param").name, { ...body, unit }),
        200,
      );
    },
  );
}
