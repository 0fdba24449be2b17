import type { ScorerSpec } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { outputText } from "./scoring-source.js";
import {
  OnlineEvalWorker,
  type OnlineEvalWorkerOptions,
  type OnlineScore,
  type ScoringJob,
  type ScoringSubject,
} from "./worker.js";

const subject = (output: string): ScoringSubject => ({
  output,
  input: { question: "where is my refund?" },
  latencyMs: 120,
  cost: 0.001,
  constraints: { maxLength: 20 },
});

const job = (traceId: string, scorers: ScorerSpec[]): ScoringJob => ({
  projectId: "p1",
  traceId,
  promptName: "support/refund-agent",
  version: 1,
  scorers,
});

/** A worker whose traces answer `outputs[traceId]` and whose attached scores are collected. */
function workerWith(outputs: Record<string, string>, options: Partial<OnlineEvalWorkerOptions>) {
  const attached: Array<[string, OnlineScore[]]> = [];
  const worker = new OnlineEvalWorker({
    load: async (j) => {
      const output = outputs[j.traceId];
      return output === undefined ? "trace_gone" : subject(output);
    },
    attach: async (j, scores) => {
      attached.push([j.traceId, scores]);
    },
    ...options,
  });
  return { worker, attached };
}

describe("online evaluation worker", () => {
  it("attaches each scorer's score and reason to the trace", async () => {
    const { worker, attached } = workerWith({ t1: "echo: refund sent" }, {});
    worker.offer(
      job("t1", [
        { type: "contains", values: ["refund"], mode: "any" },
        { type: "constraints", name: "fits" },
        { type: "latency", maxMs: 100 },
      ]),
    );
    await worker.idle();
    expect(attached).toEqual([
      [
        "t1",
        [
          { name: "contains", value: 1, comment: expect.stringContaining("refund") },
          { name: "fits", value: 1, comment: expect.any(String) },
          { name: "latency", value: 0, comment: expect.any(String) },
        ],
      ],
    ]);
    expect(worker.stats).toMatchObject({ scored: 3, errors: 0, dropped: 0, queued: 0 });
    await worker.close();
  });

  it("writes nothing for a scorer that cannot judge, and counts it: an error is not a zero", async () => {
    const { worker, attached } = workerWith({ t1: "plain text" }, {});
    worker.offer(
      job("t1", [
        { type: "equals", name: "exact" },
        { type: "regex", pattern: "(unclosed" },
        { type: "json-valid" },
      ]),
    );
    await worker.idle();
    expect(attached).toEqual([
      ["t1", [{ name: "json-valid", value: 0, comment: expect.any(String) }]],
    ]);
    expect(worker.stats.errors).toBe(2);
    expect(worker.stats.scored).toBe(1);
    await worker.close();
  });

  it("skips judge scorers when no judge is wired, and counts them; a judge's error is not a zero", async () => {
    const judgeSpec: ScorerSpec = { type: "judge", name: "tone", prompt: "judges/tone" };
    const without = workerWith({ t1: "hello" }, {});
    without.worker.offer(job("t1", [judgeSpec]));
    await without.worker.idle();
    expect(without.attached).toEqual([]);
    expect(without.worker.stats.skipped.judge_unavailable).toBe(1);
    await without.worker.close();

    const judged = workerWith(
      { t1: "hello", t2: "boom" },
      {
        judge: async (_projectId, spec, { output }) =>
          output === "boom"
            ? { name: spec.name ?? "judge", score: null, reason: null, error: "no score in answer" }
            : { name: spec.name ?? "judge", score: 0.8, reason: "polite", error: null },
      },
    );
    judged.worker.offer(job("t1", [judgeSpec]));
    judged.worker.offer(job("t2", [judgeSpec]));
    await judged.worker.idle();
    expect(judged.attached).toEqual([["t1", [{ name: "tone", value: 0.8, comment: "polite" }]]]);
    expect(judged.worker.stats.errors).toBe(1);
    await judged.worker.close();
  });

  it("drops what does not fit in its queue and counts it, scoring the rest", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const outputs = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`t${i}`, "ok"] as const),
    );
    const { worker, attached } = workerWith(outputs, {
      capacity: 3,
      concurrency: 1,
      load: async () => {
        await gate;
        return subject("ok");
      },
    });
    const accepted = Array.from({ length: 10 }, (_, i) =>
      worker.offer(job(`t${i}`, [{ type: "json-valid" }])),
    );
    // One is being scored, three wait: the other six are dropped.
    expect(accepted.filter(Boolean)).toHaveLength(4);
    expect(worker.stats).toMatchObject({ dropped: 6, queued: 3 });
    release();
    await worker.idle();
    expect(attached.map(([id]) => id)).toEqual(["t0", "t1", "t2", "t3"]);
    await worker.close();
  });

  it("stops cleanly: refuses new traces, and drops what is still waiting at the deadline", async () => {
    const { worker, attached } = workerWith(
      {},
      {
        concurrency: 1,
        load: () => new Promise<never>(() => {}),
      },
    );
    for (const id of ["t1", "t2", "t3"]) worker.offer(job(id, [{ type: "json-valid" }]));
    await worker.close(20);
    expect(worker.offer(job("t4", [{ type: "json-valid" }]))).toBe(false);
    expect(worker.stats).toMatchObject({ dropped: 3, queued: 0 });
    expect(attached).toEqual([]);
  });

  it("finishes the queued traces before stopping when there is time", async () => {
    const { worker, attached } = workerWith({ t1: "{}", t2: "{}" }, {});
    worker.offer(job("t1", [{ type: "json-valid" }]));
    worker.offer(job("t2", [{ type: "json-valid" }]));
    await worker.close();
    expect(attached.map(([id]) => id).sort()).toEqual(["t1", "t2"]);
    expect(worker.stats.dropped).toBe(0);
  });

  it("counts traces gone before they were scored", async () => {
    const { worker, attached } = workerWith({}, {});
    worker.offer(job("missing", [{ type: "json-valid" }]));
    await worker.idle();
    expect(attached).toEqual([]);
    expect(worker.stats.skipped.trace_gone).toBe(1);
    await worker.close();
  });
});

describe("a trace's output as the scorers read it", () => {
  it("is the text of the last assistant message the gateway stored", () => {
    expect(outputText([{ role: "assistant", content: "echo: hi", refusal: null }])).toBe(
      "echo: hi",
    );
    expect(
      outputText([{ role: "assistant", content: [{ type: "text", text: "a" }, { text: "b" }] }]),
    ).toBe("ab");
  });

  it("is the text as sent, or the JSON text of anything else", () => {
    expect(outputText("plain")).toBe("plain");
    expect(outputText({ answer: 42 })).toBe('{"answer":42}');
    const toolCall = [{ role: "assistant", content: null, tool_calls: [{ id: "c1" }] }];
    expect(outputText(toolCall)).toBe(JSON.stringify(toolCall));
    expect(outputText(null)).toBeUndefined();
  });
});
