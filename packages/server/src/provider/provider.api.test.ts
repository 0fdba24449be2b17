import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_FILE } from "../secret/index.js";
import {
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const KEY = "sk-live-abcdefghijklmnopqrstuvwxyz0123";

describe.each(testEngines())("provider connections (%s)", (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.stop());

  it("stores the key encrypted, never returns it, and shows it masked", async () => {
    const created = await server.call<Record<string, unknown>>("POST", "/api/v1/providers", {
      name: "openai",
      kind: "openai",
      baseUrl: "https://api.openai.com/v1",
      apiKey: KEY,
      defaultModel: "gpt-4o-mini",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "openai", hasApiKey: true, apiKeyHint: "…0123" });
    expect(JSON.stringify(created.body)).not.toContain(KEY);

    const listed = await server.call("GET", "/api/v1/providers");
    expect(JSON.stringify(listed.body)).not.toContain(KEY);

    const stored = await server.services.engine.db
      .selectFrom("providerConnections")
      .select("apiKeyEncrypted")
      .where("name", "=", "openai")
      .executeTakeFirstOrThrow();
    expect(stored.apiKeyEncrypted).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(stored.apiKeyEncrypted).not.toContain(KEY.slice(8));
    const events = await server.services.engine.db
      .selectFrom("events")
      .select("payload")
      .where("type", "like", "provider.%")
      .execute();
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(KEY.slice(8));

    const target = await server.services.providers.targetFor(
      (
        await server.services.engine.db
          .selectFrom("projects")
          .select("id")
          .executeTakeFirstOrThrow()
      ).id,
      "openai",
    );
    expect(target.apiKey).toBe(KEY);
  });

  it("keeps the generated server secret readable by its owner only", () => {
    if (kind !== "sqlite") return;
    const mode = statSync(join(server.database.dataDir, SECRET_FILE)).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(readFileSync(join(server.database.dataDir, SECRET_FILE), "utf8").trim()).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  it("changes and removes a key, refuses impossible shapes, and names conflicts", async () => {
    const name = uniqueName("openai");
    const created = await server.call("POST", "/api/v1/providers", {
      name,
      kind: "openai",
      apiKey: KEY,
    });
    expect(created.status).toBe(201);
    const patched = await server.call<Record<string, unknown>>(
      "PATCH",
      `/api/v1/providers/${name}`,
      {
        apiKey: null,
        timeoutMs: 5000,
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ hasApiKey: false, apiKeyHint: null, timeoutMs: 5000 });

    const echoWithKey = await server.call<{ message: string }>("POST", "/api/v1/providers", {
      name: "dry",
      kind: "echo",
      apiKey: "x",
    });
    expect(echoWithKey.status).toBe(400);
    expect(echoWithKey.body.message).toContain("echo provider answers locally");

    const badUrl = await server.call<{ message: string }>("POST", "/api/v1/providers", {
      name: "bad",
      kind: "openai",
      baseUrl: "ftp://example.com",
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.message).toContain("baseUrl");

    const duplicate = await server.call("POST", "/api/v1/providers", { name, kind: "echo" });
    expect(duplicate.status).toBe(409);

    expect((await server.call("DELETE", `/api/v1/providers/${name}`)).status).toBe(204);
    expect((await server.call("GET", `/api/v1/providers/${name}`)).status).toBe(404);
  });

  it("sends a stored key only where it was entered for, and refuses keys and URLs that would leak or break", async () => {
    await server.call("POST", "/api/v1/providers", {
      name: "guarded",
      kind: "openai",
      baseUrl: "https://api.openai.com/v1",
      apiKey: KEY,
    });
    const redirect = await server.call<{ message: string }>("PATCH", "/api/v1/providers/guarded", {
      baseUrl: "https://elsewhere.example/v1",
    });
    expect(redirect.status).toBe(400);
    expect(redirect.body.message).toContain("give apiKey again");
    const withKey = await server.call("PATCH", "/api/v1/providers/guarded", {
      baseUrl: "https://elsewhere.example/v1",
      apiKey: KEY,
    });
    expect(withKey.status).toBe(200);
    const credentials = await server.call<{ message: string }>("POST", "/api/v1/providers", {
      name: "creds",
      kind: "openai",
      baseUrl: "https://user:secret@example.com/v1",
    });
    expect(credentials.status).toBe(400);
    expect(credentials.body.message).toContain("credentials");
    const broken = await server.call("POST", "/api/v1/providers", {
      name: "broken",
      kind: "openai",
      apiKey: "sk-abc\ndef",
    });
    expect(broken.status).toBe(400);
    const reserved = await server.call("POST", "/api/v1/providers", {
      name: "reserved",
      kind: "openai",
      apiKeyHeader: "Host",
    });
    expect(reserved.status).toBe(400);
    const short = await server.call<Record<string, unknown>>("POST", "/api/v1/providers", {
      name: "short",
      kind: "openai",
      apiKey: "abcd1234",
    });
    expect(short.body.apiKeyHint).toBe("…");
  });

  it("lets only admins manage connections", async () => {
    const editor = (
      await server.call<{ key: string }>("POST", "/api/v1/api-keys", { name: "ed", role: "editor" })
    ).body.key;
    expect(
      (await server.call("POST", "/api/v1/providers", { name: "e", kind: "echo" }, editor)).status,
    ).toBe(403);
    expect((await server.call("GET", "/api/v1/providers", undefined, editor)).status).toBe(200);
  });

  it("overrides and restores model prices", async () => {
    const set = await server.call("PUT", "/api/v1/model-prices/gpt-4o", {
      inputPerMillion: 1,
      outputPerMillion: 2,
    });
    expect(set.status).toBe(200);
    const list = await server.call<{ items: Array<Record<string, unknown>> }>(
      "GET",
      "/api/v1/model-prices",
    );
    expect(list.body.items.find((p) => p.model === "gpt-4o")).toEqual({
      model: "gpt-4o",
      inputPerMillion: 1,
      outputPerMillion: 2,
      source: "project",
    });
    expect((await server.call("DELETE", "/api/v1/model-prices/gpt-4o")).status).toBe(204);
    const restored = await server.call<{ items: Array<Record<string, unknown>> }>(
      "GET",
      "/api/v1/model-prices",
    );
    expect(restored.body.items.find((p) => p.model === "gpt-4o")?.source).toBe("default");
    expect((await server.call("DELETE", "/api/v1/model-prices/gpt-4o")).status).toBe(404);
    const negative = await server.call("PUT", "/api/v1/model-prices/x", {
      inputPerMillion: -1,
      outputPerMillion: 0,
    });
    expect(negative.status).toBe(400);
  });
});

describe("the server secret", () => {
  it("reports keys encrypted under another secret instead of sending garbage upstream", async () => {
    const database = await freshDatabase("sqlite");
    const first = await startTestServer("sqlite", database, { secretKey: "a".repeat(64) });
    await first.call("POST", "/api/v1/providers", {
      name: "openai",
      kind: "openai",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: KEY,
    });
    await first.stop();
    const second = await startTestServer("sqlite", database, { secretKey: "b".repeat(64) });
    const call = await second.call<{ message: string }>("POST", "/v1/chat/completions", {
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      promptline: { provider: "openai" },
    });
    expect(call.status).toBe(400);
    expect(call.body.message).toContain("cannot be decrypted");
    expect(call.body.message).toContain("PROMPTLINE_SECRET_KEY");
    await second.stop();
    await database.drop();
  });

  it("refuses a malformed PROMPTLINE_SECRET_KEY naming the setting", async () => {
    await expect(startTestServer("sqlite", undefined, { secretKey: "short" })).rejects.toThrow(
      /PROMPTLINE_SECRET_KEY/,
    );
  });
});
