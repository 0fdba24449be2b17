import type { TraceDetail, VersionMetrics } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEvalUpstream } from "../test-support/eval.js";
import type { FakeUpstream } from "../test-support/fake-openai.js";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const SCORERS = [
  { type: "contains", name: "mentions-refund", values: ["refund"] },
  { type: "constraints", name: "fits" },
  { type: "judge", name: "tone", prompt: "judges/tone" },
];

describe.each(testEngines())("online evaluation of production calls on %s", (engine) => {
  let server: TestServer;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    server = await startTestServer(engine);
    // Answers calls with "echo: <question>", and judge calls (a json_schema answer) with 0.75.
    upstream = await startEvalUpstream();
    const connection = { name: "local", kind: "openai", baseUrl: upstream.url, apiKey: "sk-x" };
    expect((await server.call("POST", "/api/v1/providers", connection)).status).toBe(201);
    const judge = await server.call("POST", "/api/v1/prompts", {
      name: "judges/tone",
      type: "chat",
      draft: {
        type: "chat",
        messages: [{ role: "user", content: "Rate the tone of {{output}} for {{input}}." }],
        config: { provider: "local", model: "judge-model" },
      },
    });
    expect(judge.status).toBe(201);
    const rubric = await server.call("POST", "/api/v1/prompts/judges%2Ftone/versions", {
      commitMessage: "tone rubric",
    });
    expect(rubric.status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  /** A chat prompt through the local upstream, version 1 in production; at most 30 characters. */
  async function deployedPrompt(name: string) {
    const draft = {
      type: "chat",
      messages: [{ role: "system", content: "Answer about refunds." }],
      config: { provider: "local", model: "gpt-4o-mini" },
      constraints: { maxLength: 30 },
    };
    expect(
      (await server.call("POST", "/api/v1/prompts", { name, type: "chat", draft })).status,
    ).toBe(201);
    const path = `/api/v1/prompts/${enc(name)}`;
    expect((await server.call("POST", `${path}/versions`, { commitMessage: "v1" })).status).toBe(
      201,
    );
    const deploy = { environment: "production", version: 1 };
    expect((await server.call("POST", `${path}/deployments`, deploy)).status).toBe(201);
  }

  const setRule = async (name: string, rate: number) =>
    expect(
      (
        await server.call("PUT", `/api/v1/prompts/${enc(name)}/online-evaluations/production`, {
          rate,
          scorers: SCORERS,
        })
      ).status,
    ).toBe(200);

  /** Calls the prompt through the gateway; the id of the call's trace once it is stored. */
  async function call(name: string, question: string, origin?: string): Promise<string> {
    const answer = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: `prompt:${name}`,
        messages: [{ role: "user", content: question }],
        ...(origin && { promptline: { origin } }),
      }),
    });
    expect(answer.status).toBe(200);
    await answer.text();
    await server.services.traceWriter.flush();
    return answer.headers.get("x-promptline-trace-id") as string;
  }

  const scoresOf = async (traceId: string) =>
    (await server.call<TraceDetail>("GET", `/api/v1/traces/${traceId}`)).body.scores;

  /** Waits, boundedly, until the trace has its online-evaluation scores. */
  async function scoredScores(traceId: string) {
    await expect.poll(async () => (await scoresOf(traceId)).length, { timeout: 10_000 }).toBe(3);
    return scoresOf(traceId);
  }

  it("scores sampled production calls in the background and attaches the scores to their traces", async () => {
    const name = uniqueName("online/refunds");
    await deployedPrompt(name);
    await setRule(name, 1);

    const short = await call(name, "refund?");
    const long = await call(name, "where is the refund for order 12345?");

    const scores = await scoredScores(short);
    expect(scores.map((s) => [s.name, s.value, s.source, s.actor]).sort()).toEqual([
      ["fits", 1, "evaluation", "online-eval"],
      ["mentions-refund", 1, "evaluation", "online-eval"],
      ["tone", 0.75, "evaluation", "online-eval"],
    ]);
    expect(scores.find((s) => s.name === "tone")?.comment).toBe("close enough");
    expect(scores.find((s) => s.name === "mentions-refund")?.comment).toContain("refund");
    // "echo: where is the refund for order 12345?" is longer than the version's maxLength.
    const longScores = await scoredScores(long);
    expect(longScores.find((s) => s.name === "fits")?.value).toBe(0);

    const metrics = await server.call<VersionMetrics>(
      "GET",
      `/api/v1/metrics/versions?prompt=${enc(name)}&bucket=hour`,
    );
    const v1 = metrics.body.versions.find((v) => v.version === 1);
    expect(v1?.scores).toEqual({
      fits: { count: 2, mean: 0.5 },
      "mentions-refund": { count: 2, mean: 1 },
      tone: { count: 2, mean: 0.75 },
    });
    const points = v1?.series.filter((p) => p.scores.fits !== undefined) ?? [];
    expect(points.reduce((n, p) => n + (p.scores.fits?.count ?? 0), 0)).toBe(2);
    expect(metrics.body.deployments.map((d) => d.toVersion)).toEqual([1]);
  });

  it("scores nothing at rate 0, nor playground calls, and picks up a changed rule at once", async () => {
    const name = uniqueName("online/rate");
    await deployedPrompt(name);
    await setRule(name, 0);
    const unsampled = await call(name, "refund?");
    await setRule(name, 1);
    const playground = await call(name, "refund?", "playground");
    const sampled = await call(name, "refund?");

    await scoredScores(sampled);
    await server.services.onlineEvalWorker.idle();
    expect(await scoresOf(unsampled)).toEqual([]);
    expect(await scoresOf(playground)).toEqual([]);
  });

  it("scores traces sent to the ingest API as well as the gateway's", async () => {
    const name = uniqueName("online/ingested");
    await deployedPrompt(name);
    await setRule(name, 1);
    const trace = {
      startTime: new Date().toISOString(),
      prompt: { name, version: 1, label: "production" },
      output: "your refund is on its way, and more text than fits",
      status: "ok",
    };
    const ingested = await server.call("POST", "/api/v1/traces", { traces: [trace] });
    expect(ingested.body.accepted).toBe(1);
    const scores = await scoredScores(ingested.body.ids[0]);
    expect(Object.fromEntries(scores.map((s) => [s.name, s.value]))).toEqual({
      "mentions-refund": 1,
      fits: 0,
      tone: 0.75,
    });
  });

  it("reports what it scored, skipped and dropped in /metrics", async () => {
    const name = uniqueName("online/metrics");
    await deployedPrompt(name);
    await setRule(name, 1);
    await scoredScores(await call(name, "refund?"));
    await server.services.onlineEvalWorker.idle();

    const scrape = await server.call<string>("GET", "/metrics");
    expect(scrape.status).toBe(200);
    const value = (line: string) =>
      Number(
        scrape.body
          .split("\n")
          .find((l) => l.startsWith(`${line} `))
          ?.split(" ")[1],
      );
    expect(value("promptline_online_eval_scored_total")).toBeGreaterThanOrEqual(3);
    expect(value("promptline_online_eval_dropped_total")).toBe(0);
    expect(value("promptline_online_eval_queue_depth")).toBe(0);
    // The judge is wired: nothing is skipped for want of one.
    expect(value('promptline_online_eval_skipped_total{reason="judge_unavailable"}') || 0).toBe(0);
  });
});
