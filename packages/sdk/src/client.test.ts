import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
} from "../../server/src/test-support/harness.js";
import {
  createClient,
  PromptlineApiError,
  type PromptlineClient,
  PromptlineUnreachableError,
  PromptUnavailableError,
} from "./index.js";

const name = "support/greeter";
const admin = `/api/v1/prompts/${enc(name)}`;

async function publish(server: TestServer, greeting: string) {
  const { body } = await server.call("POST", `${admin}/versions`, {
    commitMessage: greeting,
    content: {
      type: "chat",
      messages: [
        { role: "system", content: `${greeting} You help {{user}}. Reply in {{lang}}.` },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{question}}" },
      ],
      variables: { lang: { type: "string", default: "English" } },
      config: { model: "gpt-4o-mini" },
    },
  });
  return body.version as number;
}

const deploy = (server: TestServer, version: number) =>
  server.call("POST", `${admin}/deployments`, { environment: "production", version });

let unhandled = 0;
const onUnhandled = () => {
  unhandled++;
};

describe("the SDK against a running server", () => {
  let server: TestServer;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const clients: PromptlineClient[] = [];
  const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
    const c = createClient({ baseUrl: server.url, apiKey: server.adminKey, ...options });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    database = await freshDatabase("sqlite");
    server = await startTestServer("sqlite", database);
    await server.call("POST", "/api/v1/prompts", { name, type: "chat" });
    await publish(server, "Hello.");
    await publish(server, "Hi.");
    await deploy(server, 1);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toBe(0);
  });

  it("fetches once, then answers from memory, and compiles strictly", async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      if (!String(input).endsWith("/api/v1/changes")) requests++;
      return fetch(input, init);
    };
    const sdk = client({ fetch: counting });
    const prompt = await sdk.getPrompt(name);
    expect(prompt).toMatchObject({
      name,
      version: 1,
      semver: "1.0.0",
      label: "production",
      variant: null,
    });
    expect(prompt.source).toBe("registry");
    const before = requests;
    for (let i = 0; i < 100; i++) expect((await sdk.getPrompt(name)).version).toBe(1);
    expect(requests).toBe(before);

    const history = [{ role: "assistant" as const, content: "Hello!" }];
    expect(prompt.toOpenAI({ user: "Ada", question: "Refund?" }, { history })).toEqual([
      { role: "system", content: "Hello. You help Ada. Reply in English." },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Refund?" },
    ]);
    expect(prompt.toAnthropic({ user: "Ada", question: "Refund?" })).toEqual({
      system: "Hello. You help Ada. Reply in English.",
      messages: [{ role: "user", content: "Refund?" }],
    });
    expect(() => prompt.compile({ user: "Ada" })).toThrow("missing required variable: question");
    expect(prompt.tags).toEqual({ prompt: name, version: 1, label: "production", variant: null });
    expect((await sdk.getPrompt(name, { version: 2 })).version).toBe(2);
    expect((await sdk.getPrompt(name, { label: "latest" })).version).toBe(2);
  });

  it("applies a pushed deploy and rollback without waiting for a poll", async () => {
    const sdk = client({ pollIntervalMs: 3_600_000 });
    const updates: string[] = [];
    sdk.onUpdate((prompt, previous) => updates.push(`${previous.version}→${prompt.version}`));
    expect((await sdk.getPrompt(name)).version).toBe(1);
    await expect.poll(() => sdk.status().mode).toBe("streaming");
    await deploy(server, 2);
    await expect.poll(async () => (await sdk.getPrompt(name)).version).toBe(2);
    await server.call("POST", `${admin}/rollbacks`, { environment: "production" });
    await expect.poll(async () => (await sdk.getPrompt(name)).version).toBe(1);
    expect(updates).toEqual(["1→2", "2→1"]);
    expect(sdk.status()).toMatchObject({ mode: "streaming", connected: true, staleSince: null });
    expect(sdk.status().lastEventId).toBeGreaterThan(0);
  });

  it("polls when the change feed is off", async () => {
    const sdk = client({ stream: false, pollIntervalMs: 100 });
    expect((await sdk.getPrompt(name)).version).toBe(1);
    await deploy(server, 2);
    await expect.poll(async () => (await sdk.getPrompt(name)).version).toBe(2);
    expect(sdk.status().mode).toBe("polling");
    await deploy(server, 1);
    await expect.poll(async () => (await sdk.getPrompt(name)).version).toBe(1);
  });

  it("uses a fallback only when nothing was ever fetched, and says why otherwise", async () => {
    const sdk = client();
    const fallback = { type: "text" as const, text: "Hello {{user}}" };
    const missing = await sdk.getPrompt("no/such", { fallback });
    expect(missing).toMatchObject({ version: 0, source: "fallback" });
    expect(missing.compile({ user: "Ada" })).toEqual({ type: "text", text: "Hello Ada" });
    // Kept: the next call answers at once, without waiting on the registry again.
    expect((await sdk.getPrompt("no/such")).source).toBe("fallback");
    await expect(sdk.getPrompt("no/other")).rejects.toBeInstanceOf(PromptlineApiError);
    const badKey = client({ apiKey: "pl_wrong" });
    await expect(badKey.getPrompt(name, { fallback })).rejects.toMatchObject({ status: 401 });
    const offline = client({ baseUrl: "http://127.0.0.1:9", retries: 0, timeoutMs: 500 });
    expect((await offline.getPrompt(name, { fallback })).source).toBe("fallback");
    expect((await offline.getPrompt(name)).source).toBe("fallback");
    const unavailable = offline.getPrompt("other/prompt");
    await expect(unavailable).rejects.toBeInstanceOf(PromptUnavailableError);
    await expect(unavailable).rejects.toMatchObject({
      cause: expect.any(PromptlineUnreachableError),
    });
    expect(offline.status()).toMatchObject({ connected: false });
    expect(offline.status().staleSince).toBeInstanceOf(Date);
    await offline.close();
    await expect(offline.getPrompt("never/fetched")).rejects.toBeInstanceOf(PromptUnavailableError);
  });

  it("ignores a damaged snapshot file instead of failing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "promptline-sdk-"));
    const snapshotPath = join(dir, "prompts.json");
    writeFileSync(
      snapshotPath,
      JSON.stringify({ format: "promptline-snapshot/1", entries: [{ key: "a@production" }] }),
    );
    const sdk = client({ snapshotPath });
    expect((await sdk.getPrompt(name)).source).toBe("registry");
    writeFileSync(snapshotPath, "{ not json");
    const again = client({ snapshotPath });
    expect((await again.getPrompt(name)).version).toBe(1);
  });

  it("keeps answering while the server is down, then reconnects and converges", async () => {
    const snapshotPath = join(mkdtempSync(join(tmpdir(), "promptline-sdk-")), "prompts.json");
    const reported: unknown[] = [];
    const onError = (error: unknown) => reported.push(error);
    const sdk = client({ pollIntervalMs: 200, retries: 0, timeoutMs: 500, snapshotPath, onError });
    expect((await sdk.getPrompt(name)).version).toBe(1);
    await expect.poll(() => sdk.status().mode).toBe("streaming");
    const port = server.port;
    await server.stop();
    // The dropped stream is told as an unreachable server, not fetch's bare "terminated".
    await expect.poll(() => reported.length).toBeGreaterThan(0);
    expect(reported.every((error) => error instanceof PromptlineUnreachableError)).toBe(true);

    const answers = await Promise.all(Array.from({ length: 100 }, () => sdk.getPrompt(name)));
    expect(answers.every((p) => p.version === 1)).toBe(true);
    await expect.poll(() => sdk.status().connected, { timeout: 5_000 }).toBe(false);
    expect(sdk.status().staleSince).toBeInstanceOf(Date);

    // A new process while the registry is down: the snapshot serves.
    await sdk.close();
    const restarted = client({ snapshotPath, retries: 0, timeoutMs: 500 });
    const fromSnapshot = await restarted.getPrompt(name);
    expect(fromSnapshot).toMatchObject({ version: 1, source: "snapshot" });

    server = await startTestServer("sqlite", database, { port });
    await deploy(server, 2);
    await expect
      .poll(async () => (await restarted.getPrompt(name)).version, { timeout: 15_000 })
      .toBe(2);
    await expect.poll(() => restarted.status().connected).toBe(true);
    expect((await restarted.getPrompt(name)).source).toBe("registry");
  }, 30_000);
});

describe("the SDK at a server's stream limit", () => {
  it("waits as long as the server's Retry-After before asking for the change feed again", async () => {
    const server = await startTestServer("sqlite", undefined, { maxStreamsPerKey: 1 });
    await server.call("POST", "/api/v1/prompts", { name, type: "chat" });
    await deploy(server, await publish(server, "Hello."));
    const holder = new AbortController();
    const held = await fetch(`${server.url}/api/v1/changes`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
      signal: holder.signal,
    });
    expect(held.status).toBe(200);
    let feedRequests = 0;
    const sdk = createClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      fetch: (input, init) => {
        if (String(input).endsWith("/api/v1/changes")) feedRequests++;
        return fetch(input, init);
      },
    });
    try {
      expect((await sdk.getPrompt(name)).version).toBe(1);
      await expect.poll(() => feedRequests).toBe(1);
      // Without Retry-After the reconnection backoff would have asked again within 1.1 s.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(feedRequests).toBe(1);
    } finally {
      await sdk.close();
      holder.abort();
      await server.stop();
    }
  });
});

describe("the SDK against a server asking for a long pause", () => {
  it("serves the fallback at once instead of waiting an hour to retry", async () => {
    const { createServer } = await import("node:http");
    let asked = 0;
    const busy = createServer((_req, res) => {
      asked++;
      res.writeHead(503, { "content-type": "application/json", "retry-after": "3600" });
      res.end(JSON.stringify({ code: "unavailable", message: "busy" }));
    });
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as import("node:net").AddressInfo;
    const sdk = createClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: "pl_any" });
    try {
      const prompt = await sdk.getPrompt(name, { fallback: { type: "text", text: "Hi." } });
      expect(prompt.source).toBe("fallback");
      expect(asked).toBe(1);
    } finally {
      await sdk.close();
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it("waits before asking for the change feed again when Retry-After is past what a timer holds", async () => {
    const server = await startTestServer("sqlite");
    await server.call("POST", "/api/v1/prompts", { name, type: "chat" });
    await deploy(server, await publish(server, "Hello."));
    let feedRequests = 0;
    const sdk = createClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      fetch: (input, init) => {
        if (!String(input).endsWith("/api/v1/changes")) return fetch(input, init);
        feedRequests++;
        // Past 2^31 ms: a timer set to it would fire at once, and the feed would spin.
        const headers = { "content-type": "application/json", "retry-after": "99999999999" };
        return Promise.resolve(new Response('{"message":"busy"}', { status: 503, headers }));
      },
    });
    try {
      expect((await sdk.getPrompt(name)).version).toBe(1);
      await expect.poll(() => feedRequests).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(feedRequests).toBe(1);
    } finally {
      await sdk.close();
      await server.stop();
    }
  });
});
