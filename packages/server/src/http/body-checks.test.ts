import { MAX_JSON_DEPTH } from "@promptline/core";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { checkBody } from "./body-checks.js";
import { errorToProblem } from "./problem.js";

/** Echoes bodies as routes read them: NUL becomes U+FFFD under /api and passes on under /v1. */
function echoApp() {
  const app = new Hono();
  app.onError((error, c) => errorToProblem(error, c, { error: () => {}, debug: () => {} }));
  app.use("/api/*", checkBody({ asStored: true }));
  app.use("/v1/*", checkBody({ asStored: false }));
  app.post("*", async (c) => c.text(await c.req.text()));
  return app;
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  echoApp().request(path, { method: "POST", body, headers });

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("the body checks", () => {
  it("hand API routes NUL as U+FFFD, an escaped backslash before u0000 as text", async () => {
    const body = '{"text":"a\\u0000b","kept":"c\\\\u0000d","\\u0000key":1}';
    const read = await post("/api/v1/prompts/a%00b", body);
    expect(read.status).toBe(200);
    expect(JSON.parse(await read.text())).toEqual({
      text: "a\uFFFDb",
      kept: "c\\u0000d",
      "\uFFFDkey": 1,
    });
  });

  it("pass NUL on to the gateway untouched", async () => {
    const passed = await post("/v1/chat/completions", '{"content":"a\\u0000b"}');
    expect(JSON.parse(await passed.text())).toEqual({ content: "a\u0000b" });
  });

  it("refuse JSON nested past the limit everywhere, whatever type it claims, and take it at the limit", async () => {
    for (const path of ["/api/v1/prompts", "/v1/chat/completions"]) {
      const refused = await post(path, nested(MAX_JSON_DEPTH + 1), {
        "content-type": "text/plain",
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        code: "invalid",
        details: { maxDepth: MAX_JSON_DEPTH },
      });
      expect((await post(path, nested(MAX_JSON_DEPTH))).status).toBe(200);
    }
  });

  it("leave binary and compressed bodies unread, for the routes that decode them", async () => {
    const deep = nested(MAX_JSON_DEPTH + 1);
    const binary: Record<string, string>[] = [
      { "content-type": "application/x-protobuf" },
      { "content-type": "application/octet-stream" },
      { "content-encoding": "gzip" },
    ];
    for (const headers of binary) {
      expect((await post("/api/v1/traces", deep, headers)).status).toBe(200);
    }
  });
});
