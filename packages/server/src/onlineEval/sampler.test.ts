import { describe, expect, it } from "vitest";
import type { StoredPromptTrace } from "../trace/ingest.js";
import { createSampler } from "./sampler.js";
import { ruleKey } from "./service.js";
import type { OnlineEvalRuleRow } from "./store.js";
import type { ScoringJob } from "./worker.js";

const rule = (promptName: string, environment: string, rate: number): OnlineEvalRuleRow => ({
  projectId: "p1",
  promptName,
  environment,
  rate,
  scorers: [{ type: "json-valid" }],
  updatedAt: "2026-01-01T00:00:00.000Z",
  updatedBy: "apikey:admin",
});

const trace = (id: string, fields: Partial<StoredPromptTrace> = {}): StoredPromptTrace => ({
  id,
  promptName: "support/refunds",
  promptVersion: 3,
  label: "production",
  origin: "production",
  status: "ok",
  ...fields,
});

/** A sampler over the given rules whose random draws come from `draws`, in turn. */
function samplerWith(rules: OnlineEvalRuleRow[], draws: number[]) {
  const offered: ScoringJob[] = [];
  const index = new Map(rules.map((r) => [ruleKey(r.promptName, r.environment), r]));
  const sample = createSampler({
    rulesFor: async () => index,
    offer: (job) => offered.push(job),
    random: () => draws.shift() ?? 0,
    onError: (error) => {
      throw error;
    },
  });
  return { sample, offered };
}

describe("online evaluation sampler", () => {
  it("offers a covered call when the draw falls under the rule's rate", async () => {
    const { sample, offered } = samplerWith(
      [rule("support/refunds", "production", 0.3)],
      [0.1, 0.5, 0.29],
    );
    sample("p1", [trace("t1"), trace("t2"), trace("t3")]);
    await expect.poll(() => offered.length).toBe(2);
    expect(offered.map((j) => [j.traceId, j.version, j.scorers.length])).toEqual([
      ["t1", 3, 1],
      ["t3", 3, 1],
    ]);
  });

  it("leaves alone playground calls, failed calls, other environments and prompts without a rule", async () => {
    const { sample, offered } = samplerWith(
      [rule("support/refunds", "production", 1), rule("support/refunds", "staging", 0)],
      [],
    );
    sample("p1", [
      trace("playground", { origin: "playground" }),
      trace("failed", { status: "error" }),
      trace("unlabelled", { label: null }),
      trace("staging", { label: "staging" }),
      trace("canary", { label: "canary" }),
      trace("other", { promptName: "support/other" }),
      trace("sampled"),
    ]);
    await expect.poll(() => offered.length).toBe(1);
    expect(offered[0]?.traceId).toBe("sampled");
  });
});
