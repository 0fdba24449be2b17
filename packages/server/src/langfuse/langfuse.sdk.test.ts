import { LangfuseClient } from "@langfuse/client";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

/** Both official Langfuse SDKs, unchanged, against promptline: only the base URL differs. */
describe.each(testEngines())("Langfuse SDKs against promptline on %s", (engine) => {
  let server: TestServer;
  let publicKey: string;
  let secretKey: string;

  beforeAll(async () => {
    server = await startTestServer(engine);
    const pair = await server.call("POST", "/api/v1/api-keys", {
      name: "langfuse",
      role: "admin",
      kind: "langfuse",
    });
    expect(pair.status).toBe(201);
    publicKey = pair.body.publicKey;
    secretKey = pair.body.key;
    expect(publicKey).toMatch(/^pk-lf-/);
    expect(secretKey).toMatch(/^sk-lf-/);
  });
  afterAll(() => server?.stop());

  it("langfuse v3: createPrompt, getPrompt by label / version / default, compile, updatePrompt", async () => {
    const langfuse = new Langfuse({ publicKey, secretKey, baseUrl: server.url });
    const created = await langfuse.createPrompt({
      name: "movies/critic",
      prompt: "As a {{criticlevel}} critic, rate {{movie}}.",
      labels: ["production"],
      tags: ["movies"],
      config: { model: "gpt-4o", temperature: 0.7, seed: 42 },
      commitMessage: "first",
    });
    expect(created).toMatchObject({ name: "movies/critic", version: 1 });
    await langfuse.createPrompt({
      name: "movies/critic",
      prompt: "As a {{criticlevel}} critic, rate {{movie}} in one line.",
      labels: ["staging"],
      config: { model: "gpt-4o", temperature: 0.7, seed: 42 },
    });

    const production = await langfuse.getPrompt("movies/critic", undefined, { cacheTtlSeconds: 0 });
    expect(production.version).toBe(1);
    expect(production.config).toEqual({ model: "gpt-4o", temperature: 0.7, seed: 42 });
    expect(production.labels.sort()).toEqual(["production"]);
    expect(production.compile({ criticlevel: "expert", movie: "Dune 2" })).toBe(
      "As a expert critic, rate Dune 2.",
    );
    const staging = await langfuse.getPrompt("movies/critic", undefined, {
      label: "staging",
      cacheTtlSeconds: 0,
    });
    expect(staging.version).toBe(2);
    const pinned = await langfuse.getPrompt("movies/critic", 2, { cacheTtlSeconds: 0 });
    expect(pinned.labels.sort()).toEqual(["latest", "staging"]);

    await langfuse.updatePrompt({ name: "movies/critic", version: 2, newLabels: ["production"] });
    const promoted = await langfuse.getPrompt("movies/critic", undefined, { cacheTtlSeconds: 0 });
    expect(promoted.version).toBe(2);

    // The same prompt in promptline's own terms: versions, labels and a deployment history.
    const history = await server.call(
      "GET",
      `/api/v1/prompts/${enc("movies/critic")}/deployments?environment=production`,
    );
    expect(history.body.items.map((d: { toVersion: number }) => d.toVersion)).toEqual([2, 1]);
    expect(history.body.items[0].actor).toBe("apikey:langfuse");
    await langfuse.shutdownAsync();
  });

  it("@langfuse/client: chat prompts with placeholders, by label and version", async () => {
    const client = new LangfuseClient({ publicKey, secretKey, baseUrl: server.url });
    await client.prompt.create({
      name: "support/chat",
      type: "chat",
      prompt: [
        { role: "system", content: "You are {{persona}}." },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{question}}" },
      ],
      labels: ["production"],
    } as Parameters<typeof client.prompt.create>[0]);
    const prompt = await client.prompt.get("support/chat", { type: "chat", cacheTtlSeconds: 0 });
    expect(prompt.version).toBe(1);
    expect(
      prompt.compile(
        { persona: "a helpful agent", question: "Where is my order?" },
        {
          history: [{ role: "assistant", content: "Hello!" }],
        },
      ),
    ).toEqual([
      { role: "system", content: "You are a helpful agent." },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Where is my order?" },
    ]);
    await expect(client.prompt.get("support/nothing", { cacheTtlSeconds: 0 })).rejects.toThrow();
    await client.prompt.update({ name: "support/chat", version: 1, newLabels: ["canary"] });
    const canary = await client.prompt.get("support/chat", { label: "canary", cacheTtlSeconds: 0 });
    expect(canary.version).toBe(1);
  });

  it("serves promptline-native prompts to Langfuse SDKs, and Langfuse-created ones to promptline", async () => {
    await server.call("POST", "/api/v1/prompts", { name: "native/hello", type: "text" });
    await server.call("POST", `/api/v1/prompts/${enc("native/hello")}/versions`, {
      commitMessage: "native",
      content: { type: "text", text: "Hello {{name}}", config: { model: "m", maxTokens: 50 } },
    });
    await server.call("POST", `/api/v1/prompts/${enc("native/hello")}/deployments`, {
      environment: "production",
      version: 1,
    });
    const langfuse = new Langfuse({ publicKey, secretKey, baseUrl: server.url });
    const native = await langfuse.getPrompt("native/hello", undefined, { cacheTtlSeconds: 0 });
    expect(native.compile({ name: "Ada" })).toBe("Hello Ada");
    expect(native.config).toEqual({ model: "m", max_tokens: 50 });
    await langfuse.shutdownAsync();

    const resolved = await server.call("GET", `/api/v1/client/prompts/${enc("movies/critic")}`);
    expect(resolved.body).toMatchObject({
      version: 2,
      content: { config: { model: "gpt-4o", extra: { seed: 42 } } },
    });
    const list = await server.call("GET", "/api/public/v2/prompts?limit=2&page=1");
    expect(list.body.meta).toMatchObject({ page: 1, limit: 2, totalItems: 3, totalPages: 2 });
  });

  it("refuses a wrong secret, a mismatched pair, and bad input without writing", async () => {
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    const wrong = await fetch(`${server.url}/api/public/v2/prompts`, {
      headers: { authorization: basic(publicKey, "sk-lf-nope") },
    });
    expect(wrong.status).toBe(401);
    const swapped = await fetch(`${server.url}/api/public/v2/prompts`, {
      headers: { authorization: basic("pk-lf-other", secretKey) },
    });
    expect(swapped.status).toBe(401);
    const before = await server.call("GET", "/api/v1/prompts");
    const bad = await fetch(`${server.url}/api/public/v2/prompts`, {
      method: "POST",
      headers: { authorization: basic(publicKey, secretKey), "content-type": "application/json" },
      body: JSON.stringify({
        name: "x/y",
        type: "chat",
        prompt: [{ role: "tool", content: "x" }],
        labels: ["production"],
      }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("'tool' is not supported");
    expect((await server.call("GET", "/api/v1/prompts")).body).toEqual(before.body);
  });
});
