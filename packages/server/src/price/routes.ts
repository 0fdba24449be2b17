import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  modelNameSchema,
  modelPriceListSchema,
  modelPriceSchema,
  setModelPriceBodySchema,
} from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { PriceService } from "./service.js";

const tags = ["Model prices"];
const modelParam = z.object({
  model: modelNameSchema.meta({
    param: { name: "model", in: "path" },
    description:
      "URL-encoded model name; a name also prices its dated snapshots (gpt-4o → gpt-4o-2024-08-06)",
  }),
});

export function registerPriceRoutes(app: OpenAPIHono<AppEnv>, prices: PriceService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/model-prices",
      tags,
      security,
      summary: "Prices used to turn token usage into cost: the project's own and the defaults",
      middleware: [requires("trace:read")],
      responses: {
        200: json(modelPriceListSchema, "Prices, USD per million tokens"),
        ...problems,
      },
    }),
    async (c) => c.json({ items: await prices.listPrices(c.get("principal")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/api/v1/model-prices/{model}",
      tags,
      security,
      summary: "Set the project's price for a model (USD per million input and output tokens)",
      middleware: [requires("price:manage")],
      request: { params: modelParam, body: jsonBody(setModelPriceBodySchema) },
      responses: { 200: json(modelPriceSchema, "The price now in effect"), ...problems },
    }),
    async (c) =>
      c.json(
        await prices.setPrice(c.get("principal"), c.req.valid("param").model, c.req.valid("json")),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/v1/model-prices/{model}",
      tags,
      security,
      summary: "Remove the project's own price (the default, if any, applies again)",
      middleware: [requires("price:manage")],
      request: { params: modelParam },
      responses: { 204: { description: "Removed" }, ...problems },
    }),
    async (c) => {
      await prices.removePrice(c.get("principal"), c.req.valid("param").model);
      return c.body(null, 204);
    },
  );
}
