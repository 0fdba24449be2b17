import { describe, expect, it } from "vitest";
import type { EvalVariant, ScorerComparison, VariantSummary } from "../evalRun/api.js";
import { type GateRule, gateRuleSchema } from "./api.js";
import {
  candidateIndex,
  deployLevel,
  evaluateGate,
  evidenceFromRun,
  type GateContext,
  type GateEvidence,
  refusalMessage,
  requirementApplies,
  ruleForPrompt,
} from "./evaluate.js";
import { recommendedGatePolicy } from "./recommended.js";

const interval = (mean: number, low: number, high: number, n: number) => ({ mean, low, high, n });

function comparison(scorer: string, over: Partial<ScorerComparison> = {}): ScorerComparison {
  return {
    scorer,
    candidate: null,
    baseline: null,
    difference: interval(0.01, -0.02, 0.04, 120),
    pValue: 0.5,
    verdict: "no significant change",
    improvedCases: 0,
    regressedCases: 0,
    unchangedCases: 120,
    ...over,
  };
}

function variant(over: Partial<VariantSummary> = {}): VariantSummary {
  return {
    variant: 0,
    scores: [{ scorer: "exact", interval: interval(0.91, 0.86, 0.95, 120), errors: 0 }],
    meanLatencyMs: 800,
    meanCostUsd: 0.002,
    errors: 0,
    comparison: [comparison("exact")],
    baselineVariant: 1,
    ...over,
  };
}

function evidence(over: Partial<GateEvidence> = {}): GateEvidence {
  return {
    runId: "run-1",
    dataset: "support/refunds",
    candidate: variant(),
    baseline: { version: 3, label: "v3" },
    ...over,
  };
}

const context: GateContext = {
  environment: "production",
  candidate: "v4",
  level: "minor",
  serves: 3,
};

const rule = (over: Partial<GateRule> = {}): GateRule => ({
  requirements: [{ dataset: "support/refunds", scorer: "exact" }],
  noRegression: false,
  ...over,
});

describe("the bump level of a deploy", () => {
  it("is the highest component that differs from what the environment serves", () => {
    expect(deployLevel("2.4.1", "2.4.0")).toBe("patch");
    expect(deployLevel("2.5.0", "2.4.3")).toBe("minor");
    expect(deployLevel("3.0.0", "2.9.9")).toBe("major");
    // Going back down is as big a change as going up.
    expect(deployLevel("1.9.0", "2.0.0")).toBe("major");
  });

  it("is major when nothing is served yet, and patch for the same semantic version", () => {
    expect(deployLevel("1.0.0", null)).toBe("major");
    expect(deployLevel("1.2.3", "1.2.3")).toBe("patch");
  });
});

describe("a gate's verdict", () => {
  it("passes a version whose required scorers ran, met their minimum and did not regress", () => {
    const result = evaluateGate(
      rule({
        requirements: [{ dataset: "support/refunds", scorer: "exact", minMean: 0.8 }],
        noRegression: true,
        maxLatencyMs: 1500,
        maxCostUsd: 0.01,
      }),
      [evidence()],
      context,
    );
    expect(result).toEqual({ passed: true, level: "minor", unmet: [] });
  });

  it("names a dataset the version has no finished run on", () => {
    const result = evaluateGate(rule(), [], context);
    expect(result.passed).toBe(false);
    expect(result.unmet).toEqual([
      {
        kind: "missing_run",
        dataset: "support/refunds",
        scorer: "exact",
        message: "no finished run of v4 on dataset support/refunds with scorer exact",
      },
    ]);
  });

  it("names a scorer the run did not use", () => {
    const result = evaluateGate(
      rule({ requirements: [{ dataset: "support/refunds", scorer: "tone" }] }),
      [evidence()],
      context,
    );
    expect(result.unmet[0]).toMatchObject({
      kind: "missing_score",
      scorer: "tone",
      runId: "run-1",
    });
    expect(result.unmet[0]?.message).toContain("did not use scorer tone");
  });

  it("gives the mean, its interval and the case count when it is below the minimum", () => {
    const low = variant({
      scores: [{ scorer: "exact", interval: interval(0.62, 0.55, 0.69, 120), errors: 0 }],
    });
    const result = evaluateGate(
      rule({ requirements: [{ dataset: "support/refunds", scorer: "exact", minMean: 0.8 }] }),
      [evidence({ candidate: low })],
      context,
    );
    expect(result.unmet).toEqual([
      {
        kind: "below_min_mean",
        dataset: "support/refunds",
        scorer: "exact",
        runId: "run-1",
        actual: 0.62,
        required: 0.8,
        message:
          "support/refunds · exact: mean 0.62 (95 % 0.55–0.69, n=120) is below the 0.80 required",
      },
    ]);
  });

  it("gives the difference, its interval and the p-value of a significant regression", () => {
    const regressed = variant({
      comparison: [
        comparison("exact", {
          verdict: "regressed",
          difference: interval(-0.12, -0.18, -0.05, 120),
          pValue: 0.001,
        }),
      ],
    });
    const result = evaluateGate(
      rule({ noRegression: true }),
      [evidence({ candidate: regressed })],
      context,
    );
    expect(result.unmet).toHaveLength(1);
    expect(result.unmet[0]).toMatchObject({ kind: "regression", actual: -0.12 });
    expect(result.unmet[0]?.message).toBe(
      "support/refunds · exact: regressed against v3, which production serves: difference \u22120.12 (95 % \u22120.18 to \u22120.05), p = 0.001",
    );
  });

  it("does not count too few cases to say as a regression", () => {
    const few = variant({ comparison: [comparison("exact", { verdict: "not enough cases" })] });
    const result = evaluateGate(rule({ noRegression: true }), [evidence({ candidate: few })], {
      ...context,
    });
    expect(result.passed).toBe(true);
  });

  it("asks for a new run when the run compared with another version than the one served", () => {
    const result = evaluateGate(
      rule({ noRegression: true }),
      [evidence({ baseline: { version: 2, label: "v2" } })],
      context,
    );
    expect(result.unmet).toEqual([
      {
        kind: "wrong_baseline",
        dataset: "support/refunds",
        runId: "run-1",
        message:
          "support/refunds: the run compared v4 with v2, but production serves v3: run it again against v3",
      },
    ]);
  });

  it("needs no comparison when the environment serves nothing yet", () => {
    const result = evaluateGate(rule({ noRegression: true }), [evidence({ baseline: null })], {
      ...context,
      serves: null,
      level: "major",
    });
    expect(result).toEqual({ passed: true, level: "major", unmet: [] });
  });

  it("holds mean latency and cost per call to the rule's limits", () => {
    const slow = variant({ meanLatencyMs: 1840, meanCostUsd: 0.0042 });
    const result = evaluateGate(
      rule({ maxLatencyMs: 1500, maxCostUsd: 0.003 }),
      [evidence({ candidate: slow })],
      context,
    );
    expect(result.unmet.map((u) => u.message)).toEqual([
      "support/refunds: mean latency 1,840 ms is above the 1,500 ms limit",
      "support/refunds: mean cost per call $0.0042 is above the $0.0030 limit",
    ]);
    expect(result.unmet[0]).toMatchObject({ kind: "latency", actual: 1840, required: 1500 });
  });

  it("measures limits on any run when the rule names no dataset, and wants one", () => {
    const limitOnly: GateRule = { requirements: [], noRegression: false, maxLatencyMs: 500 };
    expect(evaluateGate(limitOnly, [], context).unmet[0]?.message).toBe(
      "no finished run of v4 to measure its mean latency (limit 500 ms)",
    );
    const other = evidence({ dataset: "billing/faq" });
    expect(evaluateGate(limitOnly, [other], context).unmet[0]?.message).toBe(
      "billing/faq: mean latency 800 ms is above the 500 ms limit",
    );
  });

  it("is summed up in one headline", () => {
    const result = evaluateGate(rule(), [], context);
    expect(refusalMessage("production", "v4", result)).toBe(
      "production's gate refuses v4 (minor): 1 requirement is not met",
    );
    expect(
      refusalMessage("production", "v4", { ...result, unmet: [...result.unmet, ...result.unmet] }),
    ).toBe("production's gate refuses v4 (minor): 2 requirements are not met");
  });
});

describe("evidence from a run", () => {
  const variants: EvalVariant[] = [
    { role: "candidate", label: "draft", version: null, provider: null, model: null },
    { role: "candidate", label: "v4", version: 4, provider: null, model: null },
    { role: "baseline", label: "production", version: 3, provider: null, model: null },
  ];

  it("finds the candidate of a version and the version it was compared with", () => {
    const index = candidateIndex(variants, 4);
    expect(index).toBe(1);
    const run = {
      id: "r",
      datasetName: "d",
      variants,
      summary: { variants: [variant({ variant: 1, baselineVariant: 2 })] },
    };
    expect(evidenceFromRun(run, index)).toMatchObject({
      runId: "r",
      dataset: "d",
      baseline: { version: 3, label: "production" },
    });
    expect(candidateIndex(variants)).toBe(0);
    expect(candidateIndex(variants, 9)).toBe(-1);
    expect(evidenceFromRun({ ...run, summary: null }, index)).toBeNull();
  });
});

describe("the recommended policy", () => {
  it("asks more of bigger changes: the checks without regression for a patch, every scorer for a minor, a minimum for a major", () => {
    const policy = recommendedGatePolicy(
      "support/refunds",
      [
        { name: "json-valid", deterministic: true },
        { name: "factuality", deterministic: false },
      ],
      "support/refund-agent",
    );
    expect(policy.patch?.requirements).toEqual([
      { dataset: "support/refunds", scorer: "json-valid", prompts: ["support/refund-agent"] },
    ]);
    // A reworded sentence is a patch, and can break a prompt: it must not regress either.
    expect(policy.patch?.noRegression).toBe(true);
    expect(policy.minor?.requirements.map((r) => r.scorer)).toEqual(["json-valid", "factuality"]);
    expect(policy.minor?.noRegression).toBe(true);
    expect(policy.major?.requirements.every((r) => r.minMean === 0.8)).toBe(true);
    expect(policy.major?.maxLatencyMs).toBe(10_000);
  });

  it("falls back to the judges for a patch when there is no deterministic scorer", () => {
    const policy = recommendedGatePolicy("d", [{ name: "tone", deterministic: false }], "p");
    expect(policy.patch?.requirements).toEqual([{ dataset: "d", scorer: "tone", prompts: ["p"] }]);
  });
});

describe("requirements scoped to prompts", () => {
  it("apply to the prompts and folders they name, and to every prompt when they name none", () => {
    expect(requirementApplies({}, "support/refund-agent")).toBe(true);
    expect(requirementApplies({ prompts: ["support/refund-agent"] }, "support/refund-agent")).toBe(
      true,
    );
    expect(requirementApplies({ prompts: ["support/"] }, "support/billing/invoice")).toBe(true);
    expect(requirementApplies({ prompts: ["support/refund-agent"] }, "support/refund")).toBe(false);
    expect(requirementApplies({ prompts: ["support/"] }, "supporting")).toBe(false);
  });

  it("leave another prompt's requirements out of its verdict", () => {
    const rule = gateRuleSchema.parse({
      requirements: [
        { dataset: "support/refunds", scorer: "exact", prompts: ["support/refund-agent"] },
        { dataset: "sales/leads", scorer: "exact", prompts: ["sales/"] },
      ],
    });
    expect(ruleForPrompt(rule, "sales/qualifier").requirements.map((r) => r.dataset)).toEqual([
      "sales/leads",
    ]);
    expect(ruleForPrompt(rule, "judges/tone").requirements).toEqual([]);
  });

  it("name prompts or folders that could exist", () => {
    const scoped = (prompts: string[]) =>
      gateRuleSchema.safeParse({ requirements: [{ dataset: "d", scorer: "s", prompts }] }).success;
    expect(scoped(["support/", "support/refund-agent"])).toBe(true);
    expect(scoped(["support//"])).toBe(false);
    expect(scoped(["/"])).toBe(false);
    expect(scoped([])).toBe(false);
  });
});
