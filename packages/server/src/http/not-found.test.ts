import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { notFound } from "./not-found.js";

describe("the answer for unknown paths", () => {
  const app = new Hono();
  app.get("/api/v1/prompts/:name", (c) => c.text(c.req.param("name")));
  app.notFound(notFound);

  it("is a 404 problem naming the method and path", async () => {
    const response = await app.request("/api/v1/nothing", { method: "DELETE" });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      status: 404,
      code: "not_found",
      message: "no route for DELETE /api/v1/nothing",
    });
  });

  it("tells callers under prompts to encode the slashes in prompt names", async () => {
    const response = await app.request("/api/v1/prompts/support/refund-agent");
    expect(await response.json()).toMatchObject({
      message:
        "no route for GET /api/v1/prompts/support/refund-agent — encode '/' in prompt names as %2F (support%2Frefund-agent)",
    });
    expect(await (await app.request("/api/v1/prompts/support%2Frefund-agent")).text()).toBe(
      "support/refund-agent",
    );
  });
});
