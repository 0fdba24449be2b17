import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import { readVerdict } from "./judge.js";

/** A judge prompt whose user message holds the three variables. */
async function publishJudge(server: TestServer, name: string, extraConfig: Loose = {}) {
  expect((await server.call("POST", "/api/v1/prompts", { name, type: "chat" })).status).toBe(201);
  const published = await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
    commitMessage: "rubric",
    content: {
      type: "chat",
      messages: [
        { role: "system", content: 'Grade it. Answer {"score": 0..1, "reasoning": "…"}.' },
        { role: "user", content: "IN {{input}} OUT {{output}} REF {{expected}}" },
      ],
      config: { provider: "local", model: "judge-model", ...extraConfig },
    },
  });
  expect(published.status).toBe(201);
}

describe("reading a judge's answer", () => {
  it("takes JSON, fenced or not, with a score in [0, 1]; anything else says what was wrong", () => {
    expect(readVerdict('{"score": 1, "reasoning": "exact"}')).toEqual({
      score: 1,
      reason: "exact",
    });
    expect(readVerdict('```json\n{"score": 0.2}\n```')).toEqual({ score: 0.2, reason: null });
    expect(readVerdict("Looks fine to me")).toBe("was not JSON");
    expect(readVerdict('{"reasoning": "no number"}')).toBe("had no numeric score");
    expect(readVerdict('{"score": 1.5}')).toBe("had a score of 1.5, outside [0, 1]");
  });
});

describe.each(testEngines())("LLM-as-judge scorers (%s)", (kind) => {
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

  it("scores each output with the judge's answer, retries unusable answers twice, then records what it said", async () => {
    const prompt = uniqueName("judged/prompt");
    const judge = uniqueName("judges/exact");
    const dataset = uniqueName("judged/cases");
    await publishTexts(server, prompt, "local", ["{{question}}"]);
    await publishJudge(server, judge);
    await seedDataset(server, dataset, [
      { input: { variables: { question: "good" } }, expected: { answer: 42 } },
      { input: { variables: { question: "fence" } } },
      { input: { variables: { question: "garbage" } }, expected: "anything" },
      { input: { variables: { question: "far" } } },
    ]);
    const before = upstream.requests.length;
    const created = await server.call<Loose>("POST", "/api/v1/eval-runs", {
      prompt,
      dataset,
      candidates: [{ version: 1 }],
      scorers: [{ type: "judge", name: "exact", prompt: judge }],
      concurrency: 1,
    });
    expect(created.status).toBe(201);
    const run = await waitForRun(server, created.body.id);
    expect(run.status).toBe("completed");
    const page = await server.call<Loose>("GET", `/api/v1/eval-runs/${created.body.id}/results`);
    const scores = page.body.items.map((c: Loose) => c.outputs[0].scores[0]);
    expect(scores[0]).toEqual({ name: "exact", score: 0.75, reason: "close enough", error: null });
    expect(scores[1]).toEqual({ name: "exact", score: 0.5, reason: "fenced", error: null });
    expect(scores[2]).toEqual({
      name: "exact",
      score: null,
      reason: null,
      error:
        'the judge\'s answer was not JSON, 3 times; it last answered "I would say it is quite good, really."',
    });
    expect(scores[3].error).toContain("had a score of 7, outside [0, 1], 3 times");
    // Four candidate calls; judge calls: 1 + 1 + 3 + 3.
    const sent = upstream.requests.slice(before);
    expect(sent).toHaveLength(4 + 8);
    const judgeCalls = sent.filter((r) => r.body.model === "judge-model");
    expect(judgeCalls[0]?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "judge_score", schema: { required: ["score", "reasoning"] } },
    });
    // The judge saw the case's variables and reference as JSON text, and the output.
    expect(judgeCalls[0]?.body.messages[1].content).toBe(
      'IN {"question":"good"} OUT echo: good REF {"answer":42}',
    );
    expect(judgeCalls[1]?.body.messages[1].content).toBe(
      'IN {"question":"fence"} OUT echo: fence REF ',
    );
    expect(run.summary.variants[0].scores[0]).toEqual({
      scorer: "exact",
      interval: expect.objectContaining({ mean: 0.625, n: 2 }),
      errors: 2,
    });
    // Judge calls are traces of the evaluation too, tagged with the judge prompt.
    await server.services.traceWriter.flush();
    const traces = await server.call<Loose>("GET", `/api/v1/traces?prompt=${enc(judge)}&limit=50`);
    expect(traces.status).toBe(200);
    expect(traces.body.items.length).toBe(8);
    expect(traces.body.items[0]).toMatchObject({ origin: "evaluation" });
  });

  it("a judge whose config sets its own response format keeps it", async () => {
    const judge = uniqueName("judges/own-format");
    await publishJudge(server, judge, { responseFormat: { type: "json_object" } });
    const before = upstream.requests.length;
    const score = await server.services.judge(
      (
        await server.services.engine.db
          .selectFrom("projects")
          .select("id")
          .executeTakeFirstOrThrow()
      ).id,
      { type: "judge", prompt: judge },
      { input: { variables: { q: 1 } }, output: "fine" },
    );
    // The fake answers judge calls only when asked for a json_schema: this one it echoes.
    expect(score.error).toContain("was not JSON");
    expect(upstream.requests[before]?.body.response_format).toEqual({ type: "json_object" });
  });
});
