import { createApiClient } from "@promptline/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDataset } from "../test-support/datasets.js";
import {
  addConnection,
  deploy,
  type Loose,
  publishTexts,
  startEvalUpstream,
  waitForRun,
} from "../test-support/eval.js";
import type { FakeUpstream } from "../test-support/fake-openai.js";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import { openSse } from "../test-support/sse.js";

/**
 * Twelve cases: question q<i>, expected "echo: q<i>" for the first six and "echo: q<i>!" for
 * the rest (whose `loud` is true). The fake upstream answers "echo: <prompt>", so:
 * v1 "{{question}}" passes the first six; v2 "{{question}}!" passes the last six;
 * v3 "{{question}}{{#loud}}!{{/loud}}" passes all twelve.
 */
const CASES = Array.from({ length: 12 }, (_, i) => ({
  input: { variables: { question: `q${i}`, loud: i >= 6 } },
  expected: `echo: q${i}${i >= 6 ? "!" : ""}`,
  tags: i === 0 ? ["edge"] : [],
}));
const TEXTS = ["{{question}}", "{{question}}!", "{{question}}{{#loud}}!{{/loud}}"];
const SCORERS = [{ type: "equals" }, { type: "contains", values: ["echo"] }];

describe.each(testEngines())("evaluation runs (%s)", (kind) => {
  let server: TestServer;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    server = await startTestServer(kind);
    upstream = await startEvalUpstream();
    await addConnection(server, "local", upstream);
  });

  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  /** A prompt with v1–v3, v1 in production, and the twelve-case dataset. */
  async function setup() {
    const prompt = uniqueName("eval/answer");
    const dataset = uniqueName("eval/questions");
    await publishTexts(server, prompt, "local", TEXTS);
    await deploy(server, prompt, 1);
    await seedDataset(server, dataset, CASES);
    return { prompt, dataset };
  }

  /** Starts a run of `on`'s prompt on its dataset, scored with SCORERS unless `body` says. */
  const createRun = (on: { prompt: string; dataset: string }, body: Record<string, unknown>) =>
    server.call<Loose>("POST", "/api/v1/eval-runs", { ...on, scorers: SCORERS, ...body });

  it("compares two candidates with what production serves: exact scores, verdicts and per-case outcomes", async () => {
    const { prompt, dataset } = await setup();
    const created = await createRun(
      { prompt, dataset },
      { candidates: [{ label: "latest" }, { version: 2 }] },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      prompt,
      dataset,
      revision: 1,
      status: "queued",
      environment: "production",
      progress: { total: 36, done: 0, errored: 0 },
      summary: null,
    });
    // `latest` was pinned to v3 when the run was made; the baseline is production's v1.
    expect(created.body.variants).toEqual([
      { role: "candidate", label: "latest", version: 3, provider: null, model: null },
      { role: "candidate", label: "v2", version: 2, provider: null, model: null },
      { role: "baseline", label: "production", version: 1, provider: null, model: null },
    ]);
    const run = await waitForRun(server, created.body.id);
    expect(run.status).toBe("completed");
    expect(run.progress).toEqual({ total: 36, done: 36, errored: 0 });
    const [v3, v2, baseline] = run.summary.variants;
    expect(baseline.scores).toEqual([
      { scorer: "equals", interval: expect.objectContaining({ mean: 0.5, n: 12 }), errors: 0 },
      { scorer: "contains", interval: { mean: 1, low: 1, high: 1, n: 12 }, errors: 0 },
    ]);
    expect(v3.baselineVariant).toBe(2);
    const [equals, contains] = v3.comparison;
    expect(equals).toMatchObject({
      scorer: "equals",
      verdict: "improved",
      candidate: { mean: 1, n: 12 },
      improvedCases: 6,
      unchangedCases: 6,
      regressedCases: 0,
    });
    // The paired t-test of six 1s and six 0s (scipy.stats.ttest_rel): p = 0.0068723.
    expect(equals.pValue).toBeCloseTo(0.006872303308921113, 6);
    expect(contains).toMatchObject({ verdict: "no significant change", unchangedCases: 12 });
    // v2 fixes the six the baseline fails and breaks the six it passes: no significant change.
    expect(v2.baselineVariant).toBe(2);
    expect(v2.comparison[0]).toMatchObject({
      verdict: "no significant change",
      candidate: { mean: 0.5, n: 12 },
      difference: { mean: 0, n: 12 },
      pValue: 1,
      improvedCases: 6,
      regressedCases: 6,
    });
    expect(v3.meanLatencyMs).toBeGreaterThanOrEqual(0);
    // gpt-4o-mini has a default price: 10 input and 5 output tokens per call.
    expect(v3.meanCostUsd).toBeCloseTo((10 * 0.15 + 5 * 0.6) / 1e6, 12);
  });

  it("lists results side by side, filters to a candidate's regressions, and pages by case", async () => {
    const { prompt, dataset } = await setup();
    const created = await createRun(
      { prompt, dataset },
      { candidates: [{ version: 2 }], baseline: { version: 1 } },
    );
    const id = created.body.id;
    const run = await waitForRun(server, id);
    expect(run.summary.variants[0].comparison[0]).toMatchObject({
      verdict: "no significant change",
      improvedCases: 6,
      regressedCases: 6,
      pValue: 1,
    });
    const all = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results?limit=5`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    const first = all.body.items[0];
    expect(first).toMatchObject({
      input: { variables: { question: "q0", loud: false } },
      expected: "echo: q0",
      tags: ["edge"],
    });
    expect(first.outputs.map((o: Loose) => [o.variant, o.output])).toEqual([
      [0, "echo: q0!"],
      [1, "echo: q0"],
    ]);
    expect(first.outputs[0].scores[0]).toEqual({
      name: "equals",
      score: 0,
      reason: "differs from the expected value",
      error: null,
    });
    expect(first.deltas).toEqual([
      { variant: 0, scorer: "equals", delta: -1, outcome: "regressed" },
      { variant: 0, scorer: "contains", delta: 0, outcome: "unchanged" },
    ]);
    const rest = await server.call<Loose>(
      "GET",
      `/api/v1/eval-runs/${id}/results?limit=500&after=${all.body.nextCursor}`,
    );
    expect(rest.body.items).toHaveLength(7);
    expect(rest.body.nextCursor).toBeNull();
    const regressed = await server.call<Loose>(
      "GET",
      `/api/v1/eval-runs/${id}/results?outcome=regressed&scorer=equals&variant=0`,
    );
    expect(regressed.body.items.map((c: Loose) => c.input.variables.question)).toEqual([
      "q0",
      "q1",
      "q2",
      "q3",
      "q4",
      "q5",
    ]);
    // Each output names its trace, tagged with the run, the case and the variant.
    await server.services.traceWriter.flush();
    const trace = await server.call<Loose>("GET", `/api/v1/traces/${first.outputs[0].traceId}`);
    expect(trace.body).toMatchObject({
      origin: "evaluation",
      prompt: { name: prompt, version: 2 },
      metadata: { evalRunId: id, caseId: first.caseId, variant: 0 },
    });
  });

  it("takes custom scores into the results and the summary, all or nothing", async () => {
    const { prompt, dataset } = await setup();
    const created = await createRun(
      { prompt, dataset },
      { candidates: [{ version: 3 }], scorers: [{ type: "json-valid" }] },
    );
    const id = created.body.id;
    await waitForRun(server, id);
    const page = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results?limit=2`);
    const [a, b] = page.body.items;
    const unknownCase = await server.call("POST", `/api/v1/eval-runs/${id}/scores`, {
      scores: [
        { caseId: a.caseId, variant: 0, name: "custom", score: 1 },
        { caseId: "no-such-case", variant: 0, name: "custom", score: 1 },
      ],
    });
    expect(unknownCase.status).toBe(404);
    expect(unknownCase.body.message).toContain("no-such-case");
    const merged = await server.call<Loose>("POST", `/api/v1/eval-runs/${id}/scores`, {
      scores: [
        { caseId: a.caseId, variant: 0, name: "custom", score: 1, reason: "polite" },
        { caseId: b.caseId, variant: 0, name: "custom", error: "the scorer threw" },
        { caseId: b.caseId, variant: 1, name: "custom", score: 0 },
      ],
    });
    expect(merged.status).toBe(200);
    expect(merged.body.updated).toBe(3);
    const custom = merged.body.run.summary.variants[0].scores.find(
      (s: Loose) => s.scorer === "custom",
    );
    expect(custom).toEqual({
      scorer: "custom",
      interval: { mean: 1, low: 1, high: 1, n: 1 },
      errors: 11,
    });
    const again = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results?limit=1`);
    expect(again.body.items[0].outputs[0].scores.at(-1)).toEqual({
      name: "custom",
      score: 1,
      reason: "polite",
      error: null,
    });
  });

  it("records started and finished events and shows the run in the version's detail", async () => {
    const { prompt, dataset } = await setup();
    const created = await createRun({ prompt, dataset }, { candidates: [{ version: 3 }] });
    await waitForRun(server, created.body.id);
    const events = await server.call<Loose>("GET", `/api/v1/events?prompt=${enc(prompt)}`);
    const types = events.body.items.map((e: Loose) => e.type);
    expect(types).toContain("evaluation.started");
    const finished = events.body.items.find((e: Loose) => e.type === "evaluation.finished");
    expect(finished.payload).toMatchObject({
      runId: created.body.id,
      status: "completed",
      headline: [
        { variant: 0, label: "v3", scorer: "equals", mean: 1, verdict: "improved" },
        { variant: 0, label: "v3", scorer: "contains", mean: 1, verdict: "no significant change" },
      ],
    });
    const version = await server.call<Loose>("GET", `/api/v1/prompts/${enc(prompt)}/versions/3`);
    expect(version.body.evaluations).toEqual([
      {
        runId: created.body.id,
        dataset,
        revision: 1,
        finishedAt: expect.any(String),
        scores: [
          { scorer: "equals", mean: 1, low: 1, high: 1, n: 12 },
          { scorer: "contains", mean: 1, low: 1, high: 1, n: 12 },
        ],
        verdicts: [
          { scorer: "equals", verdict: "improved" },
          { scorer: "contains", verdict: "no significant change" },
        ],
      },
    ]);
    const other = await server.call<Loose>("GET", `/api/v1/prompts/${enc(prompt)}/versions/2`);
    expect(other.body.evaluations).toEqual([]);
    // The versions list shows the same, wherever versions are listed.
    const list = await server.call<Loose>("GET", `/api/v1/prompts/${enc(prompt)}/versions`);
    const byVersion = new Map(list.body.items.map((v: Loose) => [v.version, v.evaluations]));
    expect(byVersion.get(3)).toEqual(version.body.evaluations);
    expect(byVersion.get(2)).toEqual([]);
  });

  it("streams progress over SSE and ends the stream when the run is done", async () => {
    const { prompt, dataset } = await setup();
    const created = await createRun(
      { prompt, dataset },
      { candidates: [{ version: 3 }], concurrency: 1 },
    );
    const sse = await openSse(`${server.url}/api/v1/eval-runs/${created.body.id}/progress`, {
      authorization: `Bearer ${server.adminKey}`,
    });
    expect(sse.status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (!sse.frames.some((f) => f.event === "end") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const end = sse.frames.find((f) => f.event === "end");
    expect(JSON.parse(end?.data ?? "{}")).toEqual({
      status: "completed",
      total: 24,
      done: 24,
      errored: 0,
    });
    expect(sse.frames.filter((f) => f.event === "progress").length).toBeGreaterThanOrEqual(1);
    sse.close();
  });

  it("lets many watchers of one run share each read of its progress, and several streams end", async () => {
    const { prompt, dataset } = await setup();
    const created = await createRun(
      { prompt, dataset },
      { candidates: [{ version: 3 }], concurrency: 1 },
    );
    const { projectId } = await server.services.engine.db
      .selectFrom("evalRuns")
      .select("projectId")
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    const asAdmin = { projectId, role: "admin", actor: "test" } as const;
    const first = server.services.evalRuns.progress(asAdmin, created.body.id);
    const second = server.services.evalRuns.progress(asAdmin, created.body.id);
    // One read of the counters serves both: 1,000 browsers on a run cost what one does.
    expect(second).toBe(first);
    expect(await first).toMatchObject({ total: 24 });
    const streams = await Promise.all(
      Array.from({ length: 5 }, () =>
        openSse(`${server.url}/api/v1/eval-runs/${created.body.id}/progress`, {
          authorization: `Bearer ${server.adminKey}`,
        }),
      ),
    );
    await expect
      .poll(() => streams.every((s) => s.frames.some((f) => f.event === "end")), {
        timeout: 30_000,
      })
      .toBe(true);
    for (const s of streams) s.close();
  });

  it("the typed client starts a run and follows its progress to the end", async () => {
    const { prompt, dataset } = await setup();
    const api = createApiClient({ baseUrl: server.url, apiKey: server.adminKey });
    const run = await api.evalRuns.create({
      prompt,
      dataset,
      candidates: [{ draft: true }],
      scorers: [{ type: "equals" }],
    });
    const seen = [];
    for await (const progress of api.evalRuns.progress(run.id)) seen.push(progress);
    expect(seen.at(-1)).toEqual({ status: "completed", total: 24, done: 24, errored: 0 });
    const done = await api.evalRuns.get(run.id);
    expect(done.summary?.variants[0]?.comparison[0]?.verdict).toBe("improved");
  });

  it("lets viewers read runs but not start them", async () => {
    const { prompt, dataset } = await setup();
    const key = await server.call<Loose>("POST", "/api/v1/api-keys", {
      name: uniqueName("viewer"),
      role: "viewer",
    });
    const body = { prompt, dataset, candidates: [{ version: 3 }], scorers: SCORERS };
    const refused = await server.call("POST", "/api/v1/eval-runs", body, key.body.key);
    expect(refused.status).toBe(403);
    const created = await server.call<Loose>("POST", "/api/v1/eval-runs", body);
    const listed = await server.call<Loose>(
      "GET",
      `/api/v1/eval-runs?prompt=${enc(prompt)}`,
      undefined,
      key.body.key,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: Loose) => r.id)).toEqual([created.body.id]);
    const cancel = await server.call(
      "POST",
      `/api/v1/eval-runs/${created.body.id}/cancel`,
      undefined,
      key.body.key,
    );
    expect(cancel.status).toBe(403);
    await waitForRun(server, created.body.id);
  });
});
