import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
} from "../../server/src/test-support/harness.js";
import {
  createClient,
  PromptlineApiError,
  type PromptlineClient,
  PromptlineUnreachableError,
  TraceDeliveryError,
} from "./index.js";

const name = "support/refund-agent";
/** Long enough that no timer sends anything while a test runs: only flushAt, flush and close. */
const NEVER = 3_600_000;

type Page = { items: Array<Record<string, unknown>>; nextCursor: string | null };

/** A fetch that counts the trace batches it carries (traces per request). */
function countingFetch() {
  const batches: number[] = [];
  const counting: typeof fetch = (input, init) => {
    if (String(input).endsWith("/api/v1/traces") && init?.method === "POST") {
      batches.push((JSON.parse(String(init.body)) as { traces: unknown[] }).traces.length);
    }
    return fetch(input, init);
  };
  return { fetch: counting, batches };
}

/**
 * A proxy in front of the server that lets the first `lose` trace batches through to the server
 * but answers them 503: the traces are committed and the acknowledgement is lost.
 */
async function lossyProxy(target: string, lose: number) {
  let posts = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: {
        authorization: String(req.headers.authorization),
        "content-type": "application/json",
      },
      ...(body.length > 0 && { body }),
    });
    const text = await answer.text();
    const isBatch = req.method === "POST" && req.url === "/api/v1/traces";
    if (isBatch && posts++ < lose) {
      res.writeHead(503, { "content-type": "application/json" }).end("{}");
      return;
    }
    res.writeHead(answer.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let unhandled = 0;
const onUnhandled = () => {
  unhandled++;
};

describe.each(testEngines())("trace reporting against a running server (%s)", (engine) => {
  let server: TestServer;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const clients: PromptlineClient[] = [];
  const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
    const c = createClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      stream: false,
      ...options,
    });
    clients.push(c);
    return c;
  };
  const trace = (id: string) => server.call("GET", `/api/v1/traces/${id}`);
  const tracesOf = async (prompt: string) =>
    (await server.call<Page>("GET", `/api/v1/traces?prompt=${enc(prompt)}&limit=500`)).body.items;

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    database = await freshDatabase(engine);
    server = await startTestServer(engine, database);
    const made = [
      await server.call("POST", "/api/v1/prompts", { name, type: "text" }),
      await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
        commitMessage: "first",
        content: { type: "text", text: "Answer {{question}}" },
      }),
      await server.call("POST", `/api/v1/prompts/${enc(name)}/deployments`, {
        environment: "production",
        version: 1,
      }),
    ];
    expect(made.map((r) => r.status)).toEqual([201, 201, 201]);
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

  it("sends a call timed by start/end in the background, tagged with the prompt that made it", async () => {
    let now = Date.now();
    const errors: unknown[] = [];
    const sdk = client({
      traces: { flushIntervalMs: 20, clock: () => now },
      onError: (e) => errors.push(e),
    });
    const prompt = await sdk.getPrompt(name);

    const span = sdk.traces.start({
      prompt,
      input: prompt.toOpenAI({ question: "Refund?" }),
      provider: "openai",
      model: "gpt-4o",
      userId: "user-1",
      metadata: { region: "eu" },
    });
    const startedAt = new Date(now).toISOString();
    now += 180;
    span.firstToken();
    now += 1_054;
    const id = span.end({
      output: "Yes.",
      usage: { inputTokens: 10, outputTokens: 2 },
      metadata: { retried: false },
    });
    expect(id).toBe(span.id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    await expect.poll(async () => (await trace(id)).status).toBe(200);
    expect((await trace(id)).body).toMatchObject({
      id,
      source: "api",
      prompt: { name, version: 1, label: "production" },
      provider: "openai",
      model: "gpt-4o",
      startTime: startedAt,
      endTime: new Date(now).toISOString(),
      latencyMs: 1_234,
      timeToFirstTokenMs: 180,
      status: "ok",
      error: null,
      userId: "user-1",
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 },
      metadata: { region: "eu", retried: false },
      input: [{ role: "user", content: "Answer Refund?" }],
      output: "Yes.",
    });

    const failed = sdk.traces.start({ prompt: { name, label: "staging" } });
    now += 5;
    failed.end({ error: new RangeError("context too long") });
    expect(failed.end()).toBe(failed.id);
    await sdk.traces.flush();
    expect((await trace(failed.id)).body).toMatchObject({
      prompt: { name, version: null, label: "staging" },
      status: "error",
      error: "RangeError: context too long",
      latencyMs: 5,
    });
    expect(sdk.traces.status()).toMatchObject({ buffered: 0, sent: 2, rejected: 0, dropped: 0 });
    // The second end() recorded nothing and said so.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TraceDeliveryError);
    expect(errors[0]).toMatchObject({ kind: "rejected", rejections: [{ id: failed.id }] });
  });

  it("batches records into few requests: at flushAt, and up to batchSize each", async () => {
    const { fetch, batches } = countingFetch();
    const sdk = client({ fetch, traces: { flushAt: 50, flushIntervalMs: NEVER } });
    const ids = Array.from({ length: 120 }, (_, i) =>
      sdk.traces.record({ prompt: { name: "batch/flush-at" }, metadata: { i } }),
    );
    // 50 waiting set off a send, with no timer and no flush(); it takes all 120 that wait.
    await expect.poll(() => sdk.traces.status().sent).toBe(120);
    expect(batches).toEqual([120]);
    expect(new Set(ids).size).toBe(120);
    expect((await tracesOf("batch/flush-at")).map((t) => t.id).sort()).toEqual([...ids].sort());

    const small = countingFetch();
    const chunked = client({
      fetch: small.fetch,
      traces: { batchSize: 10, flushAt: 1_000, flushIntervalMs: NEVER },
    });
    for (let i = 0; i < 25; i++) chunked.traces.record({ prompt: { name: "batch/size" } });
    expect(small.batches).toEqual([]);
    await chunked.traces.flush();
    expect(small.batches).toEqual([10, 10, 5]);
    expect(await tracesOf("batch/size")).toHaveLength(25);
  });

  it("keeps traces while the server is down and delivers them once when it is back", async () => {
    const db = await freshDatabase(engine);
    let down = await startTestServer(engine, db);
    const port = down.port;
    await down.stop();
    const problems: TraceDeliveryError[] = [];
    const sdk = client({
      baseUrl: `http://127.0.0.1:${port}`,
      retries: 1,
      traces: { flushIntervalMs: NEVER, onError: (e) => problems.push(e as TraceDeliveryError) },
    });
    const ids = [1, 2, 3].map(() => sdk.traces.record({ prompt: { name: "outage/a" } }));
    await sdk.traces.flush();
    expect(sdk.traces.status()).toMatchObject({ buffered: 3, sent: 0, retrying: true });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.kind === "unreachable" && p.traces === 3)).toBe(true);

    down = await startTestServer(engine, db, { port });
    try {
      await sdk.traces.flush();
      expect(sdk.traces.status()).toMatchObject({ buffered: 0, sent: 3, retrying: false });
      const stored = await down.call<Page>("GET", `/api/v1/traces?prompt=${enc("outage/a")}`);
      expect(stored.body.items.map((t) => t.id).sort()).toEqual([...ids].sort());
    } finally {
      await down.stop();
      await db.drop();
    }
  });

  it("retries a batch whose answer was lost, and the server stores it once", async () => {
    const proxy = await lossyProxy(server.url, 2);
    try {
      const problems: TraceDeliveryError[] = [];
      const sdk = client({
        baseUrl: proxy.url,
        traces: { flushIntervalMs: NEVER, onError: (e) => problems.push(e as TraceDeliveryError) },
      });
      const ids = Array.from({ length: 40 }, () =>
        sdk.traces.record({ prompt: { name: "lossy/a" } }),
      );
      await sdk.traces.flush();
      expect(proxy.posts()).toBe(3);
      expect(problems.map((p) => p.kind)).toEqual(["unreachable", "unreachable"]);
      expect(sdk.traces.status()).toMatchObject({ buffered: 0, sent: 40, retrying: false });
      const stored = (await tracesOf("lossy/a")).map((t) => t.id);
      expect(stored).toHaveLength(40);
      expect(stored.sort()).toEqual([...ids].sort());
    } finally {
      await proxy.close();
    }
  });

  it("drops the oldest traces when the buffer is full, and says how many", async () => {
    const problems: TraceDeliveryError[] = [];
    const sdk = client({
      traces: {
        maxBuffered: 5,
        flushIntervalMs: NEVER,
        onError: (e) => problems.push(e as TraceDeliveryError),
      },
    });
    const ids = Array.from({ length: 8 }, (_, i) =>
      sdk.traces.record({ id: `bounded-${i}`, prompt: { name: "bounded/a" } }),
    );
    expect(sdk.traces.status()).toMatchObject({ buffered: 5, dropped: 3 });
    await sdk.close();
    expect(sdk.traces.status()).toMatchObject({ buffered: 0, sent: 5, dropped: 3 });
    expect((await tracesOf("bounded/a")).map((t) => t.id).sort()).toEqual(ids.slice(3));
    expect(problems.map((p) => [p.kind, p.traces])).toEqual([["dropped", 3]]);
  });

  it("reports invalid traces with their reasons while the valid ones of the batch are stored", async () => {
    const problems: TraceDeliveryError[] = [];
    const sdk = client({
      traces: { flushIntervalMs: NEVER, onError: (e) => problems.push(e as TraceDeliveryError) },
    });
    const prompt = { name: "invalid/a" };
    const valid = sdk.traces.record({ prompt, output: "fine" });
    const negative = sdk.traces.record({ prompt, usage: { inputTokens: -1 } });
    const unsendable = sdk.traces.record({ prompt, metadata: { big: 1n } });
    await sdk.traces.flush();

    expect(sdk.traces.status()).toMatchObject({ sent: 1, rejected: 2, buffered: 0 });
    expect((await tracesOf("invalid/a")).map((t) => t.id)).toEqual([valid]);
    expect((await trace(negative)).status).toBe(404);

    const rejections = problems.flatMap((p) => p.rejections);
    expect(problems.every((p) => p.kind === "rejected")).toBe(true);
    expect(rejections.map((r) => r.id).sort()).toEqual([negative, unsendable].sort());
    const byId = new Map(rejections.map((r) => [r.id, r]));
    expect(byId.get(negative)?.reasons.join()).toContain("usage.inputTokens");
    expect(byId.get(negative)?.trace).toMatchObject({ id: negative, usage: { inputTokens: -1 } });
    expect(byId.get(unsendable)?.reasons.join()).toContain("JSON");
  });

  it("scores a trace right after recording it: the trace is sent first", async () => {
    const sdk = client({ traces: { flushAt: 1_000, flushIntervalMs: NEVER } });
    const id = sdk.traces.record({ prompt: { name: "scored/a" }, output: "Hi" });
    expect(sdk.traces.status().buffered).toBe(1);
    const thumbs = await sdk.traces.score(id, false);
    expect(thumbs).toMatchObject({ name: "feedback", value: 0, source: "api" });
    const rating = await sdk.traces.score(id, { name: "rating", value: 4, comment: "clear" });
    expect(rating).toMatchObject({ name: "rating", value: 4, comment: "clear" });
    const stored = (await trace(id)).body as { scores: Array<{ name: string; value: number }> };
    expect(stored.scores.map((s) => [s.name, s.value]).sort()).toEqual([
      ["feedback", 0],
      ["rating", 4],
    ]);

    const unknown = client({ retries: 1 }).traces.score("no-such-trace", true);
    await expect(unknown).rejects.toBeInstanceOf(PromptlineApiError);
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    const offline = client({ baseUrl: "http://127.0.0.1:9", retries: 0 }).traces.score(id, true);
    await expect(offline).rejects.toBeInstanceOf(PromptlineUnreachableError);
  });

  it("close() delivers what is buffered and stops sending", async () => {
    const { fetch, batches } = countingFetch();
    const problems: TraceDeliveryError[] = [];
    const sdk = client({
      fetch,
      traces: { flushIntervalMs: NEVER, onError: (e) => problems.push(e as TraceDeliveryError) },
    });
    const ids = [1, 2, 3].map(() => sdk.traces.record({ prompt: { name: "closed/a" } }));
    expect(batches).toEqual([]);
    await sdk.close();
    expect(batches).toEqual([3]);
    expect((await tracesOf("closed/a")).map((t) => t.id).sort()).toEqual([...ids].sort());

    sdk.traces.record({ prompt: { name: "closed/a" } });
    await sdk.traces.flush();
    expect(batches).toEqual([3]);
    expect(sdk.traces.status()).toMatchObject({ sent: 3, dropped: 1, buffered: 0 });
    await expect.poll(() => problems.map((p) => p.kind)).toEqual(["dropped"]);
  });

  it("stops sending when the key is refused, and reports it once", async () => {
    const { fetch, batches } = countingFetch();
    const problems: TraceDeliveryError[] = [];
    const sdk = client({
      fetch,
      apiKey: "pl_wrong",
      traces: { flushIntervalMs: NEVER, onError: (e) => problems.push(e as TraceDeliveryError) },
    });
    sdk.traces.record({ prompt: { name: "refused/a" } });
    sdk.traces.record({ prompt: { name: "refused/a" } });
    await sdk.traces.flush();
    sdk.traces.record({ prompt: { name: "refused/a" } });
    await sdk.traces.flush();
    expect(batches).toEqual([2]);
    expect(sdk.traces.status()).toMatchObject({ sent: 0, dropped: 3, buffered: 0 });
    expect(problems.map((p) => [p.kind, p.traces])).toEqual([["refused", 2]]);
    expect(problems[0]?.cause).toMatchObject({ status: 401 });
  });

  it("refuses options that cannot work when the client is made", () => {
    expect(() => client({ traces: { batchSize: 10_000 } })).toThrow(RangeError);
    expect(() => client({ traces: { flushAt: 0 } })).toThrow("flushAt");
  });
});
