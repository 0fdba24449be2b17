import type { EvalVariant, RunSummary } from "@promptline/core";
import { describe, expect, it } from "vitest";
import {
  checkThresholds,
  type EvalReportInput,
  junitReport,
  markdownReport,
  passed,
  summaryText,
} from "./reports.js";

const variants: EvalVariant[] = [
  { role: "candidate", label: "v2", version: 2, provider: null, model: "gpt-x" },
  { role: "baseline", label: "production", version: 1, provider: null, model: "gpt-x" },
];

const summary: RunSummary = {
  variants: [
    {
      variant: 0,
      baselineVariant: 1,
      scores: [
        { scorer: "exact", interval: { mean: 0.6, low: 0.5, high: 0.7, n: 40 }, errors: 0 },
        { scorer: "json|ok", interval: { mean: 1, low: 1, high: 1, n: 40 }, errors: 0 },
      ],
      meanLatencyMs: 120,
      meanCostUsd: null,
      errors: 0,
      comparison: [
        {
          scorer: "exact",
          candidate: { mean: 0.6, low: 0.5, high: 0.7, n: 40 },
          baseline: { mean: 0.8, low: 0.7, high: 0.9, n: 40 },
          difference: { mean: -0.2, low: -0.3, high: -0.1, n: 40 },
          pValue: 0.0004,
          verdict: "regressed",
          improvedCases: 1,
          regressedCases: 9,
          unchangedCases: 30,
        },
      ],
    },
    {
      variant: 1,
      baselineVariant: null,
      scores: [{ scorer: "exact", interval: { mean: 0.8, low: 0.7, high: 0.9, n: 40 }, errors: 0 }],
      meanLatencyMs: 100,
      meanCostUsd: null,
      errors: 0,
      comparison: [],
    },
  ],
};

const run: EvalReportInput["run"] = {
  id: "run-1",
  prompt: "support/reply",
  dataset: "support/golden",
  revision: 3,
  status: "completed",
  variants,
  summary,
  progress: { total: 80, done: 80, errored: 0 },
};

const gate = {
  environment: "production",
  level: "minor",
  passed: false,
  unmet: [{ message: "support/golden · exact: regressed against v1 <by 0.2>" }],
};

const refused: EvalReportInput = {
  run,
  gate,
  thresholds: [],
  runUrl: "http://127.0.0.1:4680/evaluations/run-1",
};

describe("eval reports", () => {
  it("fail when the gate refuses, and say why in every format", () => {
    expect(passed(refused)).toBe(false);
    const text = summaryText(refused);
    expect(text).toContain("0.600 [0.500, 0.700]");
    expect(text).toContain("−0.200 [−0.300, −0.100] p=<0.001");
    expect(text).toContain("✗ production gate (minor): support/golden · exact: regressed");
    expect(text.trim().endsWith("FAILED")).toBe(true);

    const markdown = markdownReport(refused);
    expect(markdown).toContain("### ❌ promptline eval: `support/reply`");
    expect(markdown).toContain("Gate of **production** for a minor change: **refuses**.");
    // A pipe in a scorer's name cannot break the table.
    expect(markdown).toContain(
      "| v2 · gpt-x | json\\|ok | 1.000 [1.000, 1.000] | – | – | no baseline |",
    );
    expect(markdown).toContain("[Open the run](http://127.0.0.1:4680/evaluations/run-1)");

    const xml = junitReport(refused);
    expect(xml).toMatch(/<testsuites name="promptline eval support\/reply" tests="3" failures="2"/);
    expect(xml).toContain("regressed: −0.200");
    // Text from the server is escaped, never markup.
    expect(xml).toContain("&lt;by 0.2>");
  });

  it("pass when the gate passes and every threshold is met", () => {
    const thresholds = checkThresholds(run, new Map([["exact", 0.5]]), false);
    expect(thresholds).toEqual([
      {
        scorer: "exact",
        variant: "v2 · gpt-x",
        passed: true,
        message: "v2 · gpt-x · exact: mean 0.600 meets the 0.500 required",
      },
    ]);
    const input = { run, thresholds, gate: { ...gate, passed: true, unmet: [] } };
    expect(passed(input)).toBe(true);
    expect(markdownReport(input)).toContain("### ✅");
    expect(junitReport(input)).toMatch(/failures="0"/);
  });

  it("write JUnit that fails exactly when the candidate fails, tests named for their scorers", () => {
    // No gate and no thresholds: the regression is reported, the check passes, the XML agrees.
    const xml = junitReport({ run, thresholds: [] });
    expect(xml).toMatch(/failures="0"/);
    expect(xml).toContain('<testcase classname="support/reply.support/golden" name="exact">');
    expect(xml).toContain("regressed");
    expect(junitReport(refused)).toContain('<failure message="regressed: −0.200');
  });

  it("check thresholds given as flags: minimum means, no regression, unknown scorers", () => {
    const checks = checkThresholds(
      run,
      new Map([
        ["exact", 0.7],
        ["tone", 0.5],
      ]),
      true,
    );
    expect(checks.map((c) => [c.scorer, c.passed])).toEqual([
      ["exact", false],
      ["tone", false],
      ["exact", false],
    ]);
    expect(checks[1]?.message).toBe("v2 · gpt-x · tone: no scores (is the scorer in the run?)");
    expect(checks[2]?.message).toContain("regressed against the baseline, −0.200");
    expect(passed({ run, thresholds: checks })).toBe(false);
  });

  it("say when the environment has no gate policy, or no rule for the change's level", () => {
    const thresholds = checkThresholds(run, new Map([["exact", 0.5]]), false);
    const noPolicy = { run, thresholds, environment: "staging" };
    expect(summaryText(noPolicy)).toContain(
      "staging has no gate policy: only the thresholds given decide.",
    );
    expect(markdownReport(noPolicy)).toContain(
      "**staging** has no gate policy: only the thresholds given decide.",
    );
    const noRule = { run, thresholds, gate: { ...gate, passed: true, hasRule: false, unmet: [] } };
    expect(passed(noRule)).toBe(true);
    expect(summaryText(noRule)).toContain(
      "Gate of production for a minor change: no rule, lets it through.",
    );
  });
});
