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

const CASES = Array.from({ length: 3 }, (_, i) => ({
  input: { variables: { question: `q${i}` } },
  expected: `echo: q${i}`,
}));

describe.each(testEngines())("custom scores submitted to a run (%s)", (kind) => {
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

  /** A finished run of v1 scored with `contains`, and the id of its first case. */
  async function finishedRun() {
    const prompt = uniqueName("eval/custom");
    const dataset = uniqueName("eval/custom-cases");
    await publishTexts(server, prompt, "local", ["{{question}}"]);
    await deploy(server, prompt, 1);
    await seedDataset(server, dataset, CASES);
    const created = await server.call<Loose>("POST", "/api/v1/eval-runs", {
      prompt,
      dataset,
      candidates: [{ version: 1 }],
      scorers: [{ type: "contains", values: ["echo"] }],
    });
    const id: string = created.body.id;
    await waitForRun(server, id);
    const page = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results?limit=1`);
    return { id, prompt, caseId: page.body.items[0].caseId as string };
  }

  const submit = (id: string, scores: Loose[]) =>
    server.call<Loose>("POST", `/api/v1/eval-runs/${id}/scores`, { scores });

  it("refuses a score named like one of the run's own scorers, so gate evidence cannot be replaced", async () => {
    const { id, caseId } = await finishedRun();
    const forged = await submit(id, [{ caseId, variant: 0, name: "contains", score: 0 }]);
    expect(forged.status).toBe(422);
    expect(forged.body.message).toContain(
      "'contains' is one of the run's own scorers: a custom scorer needs another name",
    );
    const results = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results?limit=1`);
    expect(results.body.items[0].outputs[0].scores).toEqual([
      expect.objectContaining({ name: "contains", score: 1, error: null }),
    ]);
  });

  it("records each submission in the audit log under the prompt", async () => {
    const { id, prompt, caseId } = await finishedRun();
    expect((await submit(id, [{ caseId, variant: 0, name: "polite", score: 1 }])).status).toBe(200);
    const events = await server.call<Loose>(
      "GET",
      `/api/v1/events?prompt=${enc(prompt)}&type=evaluation.scored`,
    );
    expect(events.body.items).toEqual([
      expect.objectContaining({
        type: "evaluation.scored",
        subject: prompt,
        actor: "apikey:admin",
        payload: { runId: id, scorers: ["polite"], count: 1 },
      }),
    ]);
  });

  it("takes at most 20 custom score names per run, across submissions", async () => {
    const { id, caseId } = await finishedRun();
    const named = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({
        caseId,
        variant: 0,
        name: `custom-${from + i}`,
        score: 1,
      }));
    const tooMany = await submit(id, named(0, 21));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toContain("at most 20 custom score names");
    expect((await submit(id, named(0, 15))).status).toBe(200);
    const beyond = await submit(id, named(15, 21));
    expect(beyond.status).toBe(422);
    expect(beyond.body.message).toContain("it has 15 and these scores add 6 more");
    expect((await submit(id, named(10, 20))).status).toBe(200);
    expect((await submit(id, named(0, 20))).status).toBe(200);
    expect((await submit(id, named(20, 21))).status).toBe(422);
    const results = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}/results?limit=1`);
    expect(results.body.items[0].outputs[0].scores).toHaveLength(21);
  });

  it("refuses a reason over 2,000 characters and a score with an error", async () => {
    const { id, caseId } = await finishedRun();
    const long = await submit(id, [
      { caseId, variant: 0, name: "polite", score: 1, reason: "x".repeat(2001) },
    ]);
    expect(long.status).toBe(400);
    expect(long.body.message).toContain("2000");
    const both = await submit(id, [
      { caseId, variant: 0, name: "polite", score: 1, error: "the scorer threw" },
    ]);
    expect(both.status).toBe(400);
    expect(both.body.message).toContain("give a score or an error, not both");
    const fine = await submit(id, [
      { caseId, variant: 0, name: "polite", score: 1, reason: "x".repeat(2000) },
    ]);
    expect(fine.status).toBe(200);
  });
});
