import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  diffQuerySchema,
  diffSchema,
  draftBumpSchema,
  publishBodySchema,
  publishResultSchema,
  versionListSchema,
  versionParamSchema,
  versionSchema,
} from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, promptNameParam, security } from "../http/openapi.js";
import type { VersionService } from "./service.js";

const tags = ["Versions"];
const versionParams = promptNameParam.extend({
  version: versionParamSchema.meta({ param: { name: "version", in: "path" }, example: 3 }),
});

export function registerVersionRoutes(app: OpenAPIHono<AppEnv>, versions: VersionService): void {
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/prompts/{name}/versions",
      tags,
      security,
      summary: "Publish the draft (or the given content) as an immutable version",
      description:
        "Returns 201 with the new version, or 200 with the existing one when identical content was already published.",
      middleware: [requires("prompt:write")],
      request: { params: promptNameParam, body: jsonBody(publishBodySchema) },
      responses: {
        201: json(publishResultSchema, "Published"),
        200: json(publishResultSchema, "Identical content: the existing version"),
        ...problems,
      },
    }),
    async (c) => {
      const result = await versions.publish(
        c.get("principal"),
        c.req.valid("param").name,
        c.req.valid("json"),
      );
      return c.json(result, result.created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/versions",
      tags,
      security,
      summary: "All versions, newest first",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam },
      responses: { 200: json(versionListSchema, "Versions"), ...problems },
    }),
    async (c) =>
      c.json(
        { items: await versions.listVersions(c.get("principal"), c.req.valid("param").name) },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/versions/{version}",
      tags,
      security,
      summary: "One version",
      middleware: [requires("prompt:read")],
      request: { params: versionParams },
      responses: { 200: json(versionSchema, "The version"), ...problems },
    }),
    async (c) => {
      const { name, version } = c.req.valid("param");
      return c.json(await versions.getVersion(c.get("principal"), name, version), 200);
    },
  );

  for (const method of ["put", "patch", "delete"] as const) {
    app.openapi(
      createRoute({
        method,
        path: "/api/v1/prompts/{name}/versions/{version}",
        tags,
        security,
        summary: "Refused: versions are immutable",
        middleware: [requires("prompt:write")],
        request: { params: versionParams },
        responses: { ...problems },
      }),
      async (c) => {
        const { name, version } = c.req.valid("param");
        return versions.refuseVersionChange(c.get("principal"), name, version);
      },
    );
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/draft/bump",
      tags,
      security,
      summary: "The bump level publishing the draft now would get, with the reasons",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam },
      responses: { 200: json(draftBumpSchema, "Suggested bump"), ...problems },
    }),
    async (c) =>
      c.json(await versions.draftBump(c.get("principal"), c.req.valid("param").name), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/prompts/{name}/diff",
      tags,
      security,
      summary: "Diff two versions (or labels, or the draft): per field and as unified text",
      middleware: [requires("prompt:read")],
      request: { params: promptNameParam, query: diffQuerySchema },
      responses: { 200: json(diffSchema, "The differences"), ...problems },
    }),
    async (c) => {
      const { from, to } = c.req.valid("query");
      return c.json(
        await versions.diff(c.get("principal"), c.req.valid("param").name, from, to),
        200,
      );
    },
  );
}
