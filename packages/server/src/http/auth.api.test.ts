import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

describe.each(testEngines())("authorisation on %s", (engine) => {
  let server: TestServer;
  let viewer: string;
  beforeAll(async () => {
    // Hundreds of keyless requests from one address: above the failed-authentication allowance.
    server = await startTestServer(engine, undefined, { authFailuresPerMinute: 100_000 });
    viewer = (await server.call("POST", "/api/v1/api-keys", { name: "dashboard", role: "viewer" }))
      .body.key;
    await server.call("POST", "/api/v1/prompts", { name: "a", type: "text" });
  });
  afterAll(() => server?.stop());

  it("refuses requests without a key, with a malformed header or an unknown key", async () => {
    const bare = await fetch(`${server.url}/api/v1/prompts`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("content-type")).toBe("application/problem+json");
    expect(await bare.json()).toMatchObject({
      status: 401,
      code: "unauthorized",
      message: expect.stringContaining("Bearer"),
    });
    const basic = await fetch(`${server.url}/api/v1/prompts`, {
      headers: { authorization: "Basic eDp5" },
    });
    expect(basic.status).toBe(401);
    expect((await server.call("GET", "/api/v1/prompts", undefined, "pl_nope")).status).toBe(401);
  });

  it("lets viewers read but not write", async () => {
    expect((await server.call("GET", "/api/v1/prompts", undefined, viewer)).status).toBe(200);
    const write = await server.call("POST", "/api/v1/prompts", { name: "b", type: "text" }, viewer);
    expect(write.status).toBe(403);
    expect(write.body.message).toContain("'prompt:write'");
    const publish = await server.call(
      "POST",
      `/api/v1/prompts/a/versions`,
      { commitMessage: "x" },
      viewer,
    );
    expect(publish.status).toBe(403);
    expect((await server.call("GET", "/api/v1/api-keys", undefined, viewer)).status).toBe(403);
    expect((await server.call("GET", "/api/v1/prompts", undefined)).body.items).toHaveLength(1);
  });

  it("stores only a hash of each key and shows the secret once", async () => {
    const created = await server.call("POST", "/api/v1/api-keys", { name: "ci", role: "editor" });
    expect(created.body.key).toMatch(/^pl_[A-Za-z0-9_-]{43}$/);
    const listed = await server.call("GET", "/api/v1/api-keys");
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    const rows = await server.services.engine.db
      .selectFrom("apiKeys")
      .select(["keyHash", "keyPrefix"])
      .execute();
    expect(
      rows.some((r) => r.keyHash.includes(created.body.key) || created.body.key === r.keyHash),
    ).toBe(false);
    expect(rows.map((r) => r.keyPrefix)).toContain(created.body.key.slice(0, 9));
  });

  it("a revoked key stops working at once", async () => {
    const created = await server.call("POST", "/api/v1/api-keys", { name: "temp", role: "viewer" });
    expect((await server.call("GET", "/api/v1/prompts", undefined, created.body.key)).status).toBe(
      200,
    );
    const revoked = await server.call("DELETE", `/api/v1/api-keys/${created.body.id}`);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await server.call("GET", "/api/v1/prompts", undefined, created.body.key)).status).toBe(
      401,
    );
  });

  it("guards every /api route: none answers without a key", async () => {
    const spec = await (await fetch(`${server.url}/openapi.json`)).json();
    const paths = Object.entries(spec.paths as Record<string, Record<string, unknown>>);
    expect(paths.length).toBeGreaterThan(10);
    for (const [path, methods] of paths) {
      // Signing in is how a browser authenticates; signing out without a session is a no-op.
      if (path === "/api/v1/session") continue;
      for (const method of Object.keys(methods)) {
        const url = `${server.url}${path.replace("{name}", enc("a")).replace("{version}", "1").replace("{id}", "x")}`;
        const response = await fetch(url, { method: method.toUpperCase() });
        expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 401`);
      }
    }
  });
});
