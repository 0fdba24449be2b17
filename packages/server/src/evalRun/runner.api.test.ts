import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../context.js";
import { seedDataset } from "../test-support/datasets.js";
import {
  addConnection,
  type Loose,
  publishTexts,
  startEvalUpstream,
  waitForRun,
} from "../test-support/eval.js";
import type { FakeUpstream } from "../test-support/fake-openai.js";
import {
  type EngineKind,
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import { TokenBuckets } from "./limits.js";
import { EvalRunner } from "./runner.js";

const cases = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    input: { variables: { question: `q${i}` } },
    expected: `echo: q${i}`,
  }));

/** Every result row of a run: (variant, case) pairs, each at most once by the table's key. */
async function resultRows(server: TestServer, runId: string) {
  return server.services.engine.db
    .selectFrom("evalResults")
    .select(["variant", "caseId", "error"])
    .where("runId", "=", runId)
    .execute();
}

async function startRun(server: TestServer, body: Loose) {
  const created = await server.call<Loose>("POST", "/api/v1/eval-runs", {
    scorers: [{ type: "equals" }],
    baseline: null,
    ...body,
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function slowSetup(server: TestServer, connection: string, count: number) {
  const prompt = uniqueName("runner/prompt");
  const dataset = uniqueName("runner/cases");
  await publishTexts(server, prompt, connection, ["{{question}}"]);
  await seedDataset(server, dataset, cases(count));
  return { prompt, dataset };
}

describe.each(testEngines())("the evaluation runner (%s)", (kind: EngineKind) => {
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startEvalUpstream();
  });

  afterAll(async () => {
    await upstream?.close();
  });

  it("cancel aborts the calls in flight and keeps what finished; resume runs only the rest", async () => {
    const server = await startTestServer(kind);
    try {
      await addConnection(server, "slow", upstream);
      upstream.setDelay(40);
      const { prompt, dataset } = await slowSetup(server, "slow", 30);
      const id = await startRun(server, {
        prompt,
        dataset,
        candidates: [{ version: 1 }],
        concurrency: 2,
      });
      await waitForRun(server, id, (run) => run.progress.done >= 4);
      const cancelled = await server.call<Loose>("POST", `/api/v1/eval-runs/${id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe("cancelled");
      const kept = cancelled.body.progress.done;
      expect(kept).toBeLessThan(30);
      expect(cancelled.body.summary.variants[0].scores[0].interval.n).toBe(kept);
      // Nothing is written after the cancel has answered.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await resultRows(server, id)).toHaveLength(kept);
      const again = await server.call<Loose>("POST", `/api/v1/eval-runs/${id}/cancel`);
      expect(again.status).toBe(409);

      const resumed = await server.call<Loose>("POST", `/api/v1/eval-runs/${id}/resume`);
      expect(resumed.status).toBe(200);
      expect(resumed.body.status).toBe("queued");
      const run = await waitForRun(server, id);
      expect(run).toMatchObject({
        status: "completed",
        progress: { total: 30, done: 30, errored: 0 },
      });
      const rows = await resultRows(server, id);
      expect(rows).toHaveLength(30);
      expect(new Set(rows.map((r) => r.caseId)).size).toBe(30);
      expect((await server.call("POST", `/api/v1/eval-runs/${id}/resume`)).status).toBe(409);
    } finally {
      upstream.setDelay(0);
      await server.stop();
    }
  });

  it("a server stopped mid-run hands the run to the next one on the same database: every item once, none lost", async () => {
    const database = await freshDatabase(kind);
    const first = await startTestServer(kind, database);
    let second: TestServer | undefined;
    try {
      await addConnection(first, "slow", upstream);
      upstream.setDelay(30);
      const { prompt, dataset } = await slowSetup(first, "slow", 40);
      // The draft asks a question back, so it fails every case; it is pinned as it is now.
      const draft = await first.call("PUT", `/api/v1/prompts/${enc(prompt)}/draft`, {
        type: "text",
        text: "{{question}}?",
        config: { provider: "slow", model: "gpt-4o-mini" },
      });
      expect(draft.status).toBe(200);
      const id = await startRun(first, {
        prompt,
        dataset,
        candidates: [{ version: 1 }, { draft: true }],
        concurrency: 3,
      });
      await waitForRun(first, id, (run) => run.progress.done >= 6);
      const before = upstream.requests.length;
      await first.stop();
      second = await startTestServer(kind, database);
      const run = await waitForRun(second, id);
      expect(run).toMatchObject({
        status: "completed",
        progress: { total: 80, done: 80, errored: 0 },
      });
      const rows = await resultRows(second, id);
      expect(rows).toHaveLength(80);
      expect(new Set(rows.map((r) => `${r.variant}:${r.caseId}`)).size).toBe(80);
      expect(run.summary.variants.map((v: Loose) => v.scores[0].interval.mean)).toEqual([1, 0]);
      // Only the calls cut off by the stop (at most one per worker) were made twice.
      expect(upstream.requests.length - before).toBeLessThanOrEqual(80 - 6 + 3);
    } finally {
      upstream.setDelay(0);
      await second?.stop();
      await database.drop();
    }
  });

  it("a run whose instance died is taken over once its lease has expired", async () => {
    const server = await startTestServer(kind);
    try {
      await addConnection(server, "slow", upstream);
      upstream.setDelay(30);
      const { prompt, dataset } = await slowSetup(server, "slow", 20);
      const id = await startRun(server, {
        prompt,
        dataset,
        candidates: [{ version: 1 }],
        concurrency: 2,
      });
      await waitForRun(server, id, (run) => run.progress.done >= 3);
      // As if the process were killed: the lease is kept, not let go.
      await server.services.evalRunner.stop({ release: false });
      const { services } = server;
      const deps = {
        gateway: services.gateway,
        judge: services.judge,
        prices: services.prices,
        buckets: new TokenBuckets(),
        now: () => new Date(),
      };
      const warnings: unknown[] = [];
      const at = (offsetMs: number) =>
        createContext(services.engine, { clock: { now: () => new Date(Date.now() + offsetMs) } });
      // Another instance now: the lease still holds, so it leaves the run alone.
      const early = new EvalRunner(at(0), deps, { warn: (e) => warnings.push(e), pollMs: 50 });
      early.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(early.running).toEqual([]);
      await early.stop();
      // A minute later (the lease is 30 s), it takes the run over and finishes it.
      const later = new EvalRunner(at(60_000), deps, { warn: (e) => warnings.push(e), pollMs: 50 });
      later.start();
      const run = await waitForRun(server, id);
      await later.stop();
      expect(run).toMatchObject({ status: "completed", progress: { total: 20, done: 20 } });
      expect(await resultRows(server, id)).toHaveLength(20);
      expect(warnings).toEqual([]);
    } finally {
      upstream.setDelay(0);
      await server.stop();
    }
  });

  it("a 429 from the provider is retried by the connection's policy, not counted as a failed case", async () => {
    const server = await startTestServer(kind);
    try {
      await addConnection(server, "retrying", upstream, { maxRetries: 2 });
      const { prompt, dataset } = await slowSetup(server, "retrying", 5);
      upstream.failNext(2, 429, { retryAfter: "0" });
      const before = upstream.requests.length;
      const id = await startRun(server, {
        prompt,
        dataset,
        candidates: [{ version: 1 }],
        concurrency: 1,
      });
      const run = await waitForRun(server, id);
      expect(run).toMatchObject({
        status: "completed",
        progress: { total: 5, done: 5, errored: 0 },
      });
      expect(upstream.requests.length - before).toBe(7);
      expect(run.summary.variants[0].scores[0].interval.mean).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it("a call that keeps failing is a per-case error with its trace, and the run still completes", async () => {
    const server = await startTestServer(kind);
    try {
      await addConnection(server, "fragile", upstream);
      const { prompt, dataset } = await slowSetup(server, "fragile", 4);
      upstream.failNext(1, 500);
      const id = await startRun(server, {
        prompt,
        dataset,
        candidates: [{ version: 1 }],
        concurrency: 1,
      });
      const run = await waitForRun(server, id);
      expect(run).toMatchObject({
        status: "completed",
        progress: { total: 4, done: 4, errored: 1 },
      });
      expect(run.summary.variants[0]).toMatchObject({
        errors: 1,
        scores: [{ scorer: "equals", interval: { mean: 1, n: 3 }, errors: 1 }],
      });
      const page = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results`);
      const failed = page.body.items[0].outputs[0];
      expect(failed).toMatchObject({ output: null, scores: [] });
      expect(failed.error).toContain("provider 'fragile' answered 500");
      expect(failed.traceId).toEqual(expect.any(String));
    } finally {
      await server.stop();
    }
  });

  it("a run whose dataset revision vanished fails, saying so", async () => {
    const server = await startTestServer(kind);
    try {
      await addConnection(server, "local", upstream);
      const { prompt, dataset } = await slowSetup(server, "local", 2);
      await server.services.evalRunner.stop();
      const id = await startRun(server, { prompt, dataset, candidates: [{ version: 1 }] });
      await server.services.engine.db
        .updateTable("datasets")
        .set({ latestRevision: 0 })
        .where("name", "=", dataset)
        .execute();
      server.services.evalRunner.start();
      const run = await waitForRun(server, id);
      expect(run.status).toBe("failed");
      expect(run.error).toBe(`dataset '${dataset}' revision 1 no longer exists`);
    } finally {
      await server.stop();
    }
  });
});
