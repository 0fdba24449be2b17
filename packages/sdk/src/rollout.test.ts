import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bucketOf } from "@promptline/core/rollout";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
  uniqueName,
} from "../../server/src/test-support/harness.js";
import { createClient, type PromptlineClient } from "./index.js";

const NEVER = 3_600_000;

/** The contexts of the shared assignment vectors, to assign on a real rollout both ways. */
const vectorContexts = (
  JSON.parse(
    readFileSync(
      new URL("../../core/src/rollout/assignment-vectors.json", import.meta.url),
      "utf8",
    ),
  ) as { cases: Array<{ context: Record<string, unknown> }> }
).cases.map((c) => c.context);

/** A fetch that counts the requests an SDK makes, the change feed's aside. */
function countingFetch() {
  const counter = { requests: 0, fetch: undefined as unknown as typeof fetch };
  counter.fetch = (input, init) => {
    if (!String(input).endsWith("/api/v1/changes")) counter.requests++;
    return fetch(input, init);
  };
  return counter;
}

/** The first `user-N` whose bucket under `salt` lies in [low, high). */
function unitIn(salt: string, low: number, high: number): string {
  for (let n = 0; ; n++) {
    const bucket = bucketOf(salt, `user-${n}`);
    if (bucket >= low && bucket < high) return `user-${n}`;
  }
}

let unhandled = 0;
const onUnhandled = () => {
  unhandled++;
};

describe("rollouts in the SDK, against a running server", () => {
  let server: TestServer;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const clients: PromptlineClient[] = [];
  const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
    const c = createClient({ baseUrl: server.url, apiKey: server.adminKey, ...options });
    clients.push(c);
    return c;
  };

  /** A prompt with versions 1-3 (v1 in production), and its admin path. */
  async function promptOnProduction() {
    const name = uniqueName("support/triage");
    const path = `/api/v1/prompts/${enc(name)}`;
    await server.call("POST", "/api/v1/prompts", { name, type: "text" });
    for (const text of ["One {{q}}", "Two {{q}}", "Three {{q}}"]) {
      await server.call("POST", `${path}/versions`, {
        commitMessage: text,
        content: { type: "text", text },
      });
    }
    await server.call("POST", `${path}/deployments`, { environment: "production", version: 1 });
    return { name, path };
  }

  async function startRollout(path: string, body: Record<string, unknown>) {
    const started = await server.call("POST", `${path}/rollouts`, {
      environment: "production",
      ...body,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    return started.body as { id: number; salt: string };
  }

  const canary = (path: string) =>
    startRollout(path, {
      strategy: "canary",
      candidates: [{ version: 2 }],
      canary: [
        { weight: 500, holdMinutes: 30 },
        { weight: 2500, holdMinutes: 30 },
        { weight: 10000, holdMinutes: 0 },
      ],
    });

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    database = await freshDatabase("sqlite");
    server = await startTestServer("sqlite", database);
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

  it("assigns every caller locally exactly as the server's resolve API does", async () => {
    const { name, path } = await promptOnProduction();
    const rollout = await startRollout(path, {
      strategy: "split",
      candidates: [
        { version: 2, weight: 3000 },
        { version: 3, weight: 1000 },
      ],
      rules: [
        {
          conditions: [{ attribute: "plan", op: "equals", value: "internal" }],
          variants: [{ version: 3, weight: 10000 }],
        },
        {
          conditions: [{ attribute: "email", op: "matches", pattern: "@example\\.com$" }],
          variants: [
            { version: 3, weight: 5000 },
            { version: 1, weight: 5000 },
          ],
        },
      ],
    });
    const counter = countingFetch();
    const sdk = client({ fetch: counter.fetch, stream: false, pollIntervalMs: NEVER });
    const first = await sdk.getPrompt(name, { context: { userId: "warm-up" } });
    expect(first.label).toBe("production");
    const fetched = counter.requests;
    // The label, then both candidates, each once.
    expect(fetched).toBe(3);

    const contexts = [
      ...vectorContexts,
      ...Array.from({ length: 200 }, (_, u) => ({
        userId: `user-${u}`,
        ...(u % 5 === 0 && { plan: "internal" }),
        ...(u % 7 === 0 && { email: `u${u}@example.com` }),
      })),
    ];
    const local = [];
    for (const context of contexts) {
      const prompt = await sdk.getPrompt(name, { context });
      local.push({ version: prompt.version, variant: prompt.variant, label: prompt.label });
    }
    expect(counter.requests).toBe(fetched);

    const remote = [];
    for (const context of contexts) {
      const { body } = await server.call(
        "GET",
        `/api/v1/client/prompts/${enc(name)}?context=${enc(JSON.stringify(context))}`,
      );
      remote.push({ version: body.version, variant: body.variant ?? null, label: "production" });
    }
    expect(local).toEqual(remote);
    expect(new Set(local.map((a) => a.version))).toEqual(new Set([1, 2, 3]));

    // Outside the rules, each candidate's buckets get it (30 %, then 10 %), and nobody else.
    for (let u = 0; u < 200; u++) {
      const { version, variant } = await sdk.getPrompt(name, { context: { userId: `u-${u}` } });
      const bucket = bucketOf(rollout.salt, `u-${u}`);
      const expected = bucket < 3000 ? 2 : bucket < 4000 ? 3 : 1;
      expect([version, variant]).toEqual([expected, expected === 1 ? "control" : "candidate"]);
    }
    // Without a unit: the control, in no variant; without context: the label's prompt as ever.
    expect(await sdk.getPrompt(name, { context: { plan: "internal" } })).toMatchObject({
      version: 1,
      variant: null,
    });
    expect((await sdk.getPrompt(name)).rollout).toMatchObject({ id: rollout.id });
  });

  it("hears an advance and an abort on the change feed and reassigns without a request", async () => {
    const { name, path } = await promptOnProduction();
    const counter = countingFetch();
    const sdk = client({ fetch: counter.fetch, pollIntervalMs: NEVER });
    expect((await sdk.getPrompt(name)).rollout).toBeNull();
    await expect.poll(() => sdk.status().mode).toBe("streaming");
    const updates: Array<number | null> = [];
    sdk.onUpdate((prompt) => updates.push(prompt.rollout?.revision ?? null));

    const rollout = await canary(path);
    const early = { userId: unitIn(rollout.salt, 0, 500) };
    const later = { userId: unitIn(rollout.salt, 500, 2500) };
    // The start arrives with the definition; the candidate's content is fetched once, ahead.
    await expect.poll(async () => (await sdk.getPrompt(name, { context: early })).version).toBe(2);
    expect((await sdk.getPrompt(name, { context: later })).variant).toBe("control");
    const requests = counter.requests;

    await server.call("POST", `${path}/rollouts/${rollout.id}/advance`, { reason: "healthy" });
    await expect
      .poll(async () => (await sdk.getPrompt(name, { context: later })).variant)
      .toBe("candidate");
    expect((await sdk.getPrompt(name, { context: early })).version).toBe(2);

    await server.call("POST", `${path}/rollouts/${rollout.id}/abort`, { reason: "enough" });
    await expect.poll(async () => (await sdk.getPrompt(name, { context: later })).version).toBe(1);
    expect(await sdk.getPrompt(name, { context: early })).toMatchObject({
      version: 1,
      variant: null,
      rollout: null,
    });
    expect(counter.requests).toBe(requests);
    expect(updates).toEqual([1, 2, null]);
  });

  it("serves the control to a candidate's callers until the candidate's content arrives", async () => {
    const { name, path } = await promptOnProduction();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding: typeof fetch = async (input, init) => {
      if (String(input).endsWith("?version=2")) await held;
      return fetch(input, init);
    };
    const sdk = client({ fetch: holding, pollIntervalMs: NEVER });
    await sdk.getPrompt(name);
    await expect.poll(() => sdk.status().mode).toBe("streaming");
    const rollout = await canary(path);
    const early = { userId: unitIn(rollout.salt, 0, 500) };
    await expect.poll(async () => (await sdk.getPrompt(name)).rollout?.id).toBe(rollout.id);
    expect(await sdk.getPrompt(name, { context: early })).toMatchObject({
      version: 1,
      variant: "control",
    });
    release();
    await expect
      .poll(async () => (await sdk.getPrompt(name, { context: early })).variant)
      .toBe("candidate");
  });

  it("picks up a rollout by polling when the change feed is off", async () => {
    const { name, path } = await promptOnProduction();
    const sdk = client({ stream: false, pollIntervalMs: 100 });
    expect((await sdk.getPrompt(name)).version).toBe(1);
    const rollout = await canary(path);
    const early = { userId: unitIn(rollout.salt, 0, 500) };
    await expect
      .poll(async () => (await sdk.getPrompt(name, { context: early })).variant)
      .toBe("candidate");
    await server.call("POST", `${path}/rollouts/${rollout.id}/promote`, { reason: "healthy" });
    await expect
      .poll(async () => await sdk.getPrompt(name, { context: early }))
      .toMatchObject({ version: 2, variant: null, rollout: null });
  });

  it("tags the traces it reports with the version and the variant that served them", async () => {
    const { name, path } = await promptOnProduction();
    const rollout = await canary(path);
    const sdk = client({ pollIntervalMs: NEVER, traces: { flushIntervalMs: NEVER } });
    const served = await Promise.all(
      [unitIn(rollout.salt, 0, 500), unitIn(rollout.salt, 500, 10_000)].map((userId) =>
        sdk.getPrompt(name, { context: { userId } }),
      ),
    );
    const ids = served.map((prompt) => sdk.traces.record({ prompt, output: "ok" }));
    await sdk.traces.flush();
    const traces = await Promise.all(
      ids.map(async (id) => (await server.call("GET", `/api/v1/traces/${id}`)).body),
    );
    expect(traces.map((t) => [t.prompt, t.variant])).toEqual([
      [{ name, version: 2, label: "production" }, "candidate"],
      [{ name, version: 1, label: "production" }, "control"],
    ]);
  });

  it("keeps assigning after a restart from its snapshot while the registry is down", async () => {
    const { name, path } = await promptOnProduction();
    const rollout = await canary(path);
    const early = { userId: unitIn(rollout.salt, 0, 500) };
    const snapshotPath = join(mkdtempSync(join(tmpdir(), "promptline-sdk-")), "prompts.json");
    const sdk = client({ snapshotPath, pollIntervalMs: NEVER });
    expect((await sdk.getPrompt(name, { context: early })).variant).toBe("candidate");
    await sdk.close();

    const offline = { baseUrl: "http://127.0.0.1:9", retries: 0, timeoutMs: 300 };
    const restarted = client({ ...offline, snapshotPath, onError: () => {} });
    expect(await restarted.getPrompt(name, { context: early })).toMatchObject({
      version: 2,
      variant: "candidate",
      source: "snapshot",
    });

    // A definition the file damaged is dropped: the control is served, nothing throws.
    const file = JSON.parse(readFileSync(snapshotPath, "utf8"));
    for (const entry of file.entries) {
      if (entry.resolved.rollout) entry.resolved.rollout.split = "everyone";
    }
    writeFileSync(snapshotPath, JSON.stringify(file));
    const damaged = client({ ...offline, snapshotPath, onError: () => {} });
    expect(await damaged.getPrompt(name, { context: early })).toMatchObject({
      version: 1,
      variant: null,
      rollout: null,
    });
  });
});
