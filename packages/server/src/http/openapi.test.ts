import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AppEnv } from "./auth.js";
import { API_VERSION, documentApi, json, problems, security } from "./openapi.js";

describe("the OpenAPI document", () => {
  it("describes the routes registered, both ways to authenticate, and the API version", async () => {
    const app = new OpenAPIHono<AppEnv>();
    documentApi(app);
    app.openapi(
      createRoute({
        method: "get",
        path: "/api/v1/things",
        security,
        responses: { 200: json(z.object({ count: z.number() }), "The things"), 401: problems[401] },
      }),
      (c) => c.json({ count: 1 }, 200),
    );
    const response = await app.request("/openapi.json");
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the document is read loosely and asserted on
    const doc: any = await response.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "promptline API", version: API_VERSION });
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["basicAuth", "bearerAuth"]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    const operation = doc.paths["/api/v1/things"].get;
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(operation.responses["401"].content)).toEqual(["application/problem+json"]);
  });
});
