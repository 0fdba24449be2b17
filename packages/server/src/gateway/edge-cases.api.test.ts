import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test-support/harness.js";

describe("gateway edge cases", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
    await server.call("POST", "/api/v1/providers", { name: "dry", kind: "echo" });
  });
  afterAll(() => server.stop());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.adminKey}`,
        "content-type": "application/json",
        ...headers,
      },
      body,
    });

  it("answers malformed bodies, missing keys and oversized bodies with OpenAI-shaped problems", async () => {
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toContain(
      "JSON",
    );
    const noModel = await post(JSON.stringify({ messages: [{ role: "user", content: "x" }] }));
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { message: string }).message).toContain("body.model");
    const anonymous = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
    const huge = await post(
      JSON.stringify({
        model: "x",
        messages: [{ role: "user", content: "x".repeat(17 * 1024 * 1024) }],
      }),
    );
    expect(huge.status).toBe(413);
    const echo = await post(
      JSON.stringify({ model: "any", messages: [{ role: "user", content: "ping" }] }),
    );
    expect(echo.status).toBe(200);
    expect(((await echo.json()) as { system_fingerprint: string }).system_fingerprint).toBe(
      "promptline-echo",
    );
  });
});
