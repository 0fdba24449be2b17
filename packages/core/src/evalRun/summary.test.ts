import { describe, expect, it } from "vitest";
import type { EvalVariant } from "./api.js";
import {
  baselineVariantOf,
  caseDeltas,
  caseOutcome,
  type SummaryResult,
  summariseRun,
} from "./summary.js";

const variant = (role: EvalVariant["role"], model: string | null = null) => ({
  role,
  provider: null,
  model,
});

/** A result with one score per named scorer (null = the scorer failed). */
function result(
  variantIndex: number,
  caseNo: number,
  scores: Record<string, number | null>,
  extra: Partial<SummaryResult> = {},
): SummaryResult {
  return {
    variant: variantIndex,
    caseId: `case-${String(caseNo).padStart(3, "0")}`,
    scores: Object.entries(scores).map(([name, score]) => ({
      name,
      score,
      reason: null,
      error: score === null ? "could not judge" : null,
    })),
    latencyMs: 100,
    cost: 0.001,
    error: null,
    ...extra,
  };
}

describe("summariseRun", () => {
  it("a candidate that fixes half the cases the baseline failed is improved, with SciPy's numbers", () => {
    // Baseline passes 6 of 12 cases, the candidate all 12: differences are six 1s and six 0s.
    const results = [
      ...Array.from({ length: 12 }, (_, i) => result(0, i, { equals: 1 })),
      ...Array.from({ length: 12 }, (_, i) => result(1, i, { equals: i < 6 ? 1 : 0 })),
    ];
    const summary = summariseRun([variant("candidate"), variant("baseline")], ["equals"], results);
    const [candidate, baseline] = summary.variants;
    expect(candidate?.baselineVariant).toBe(1);
    expect(baseline?.baselineVariant).toBeNull();
    expect(baseline?.comparison).toEqual([]);
    const comparison = candidate?.comparison[0];
    expect(comparison?.verdict).toBe("improved");
    expect(comparison?.candidate).toEqual({ mean: 1, low: 1, high: 1, n: 12 });
    // scipy: mean 0.5 ± t(0.975, 11) · s/√n = [0.168189, 0.831811]
    expect(comparison?.baseline?.mean).toBeCloseTo(0.5, 12);
    expect(comparison?.baseline?.low).toBeCloseTo(0.16818900249253282, 6);
    expect(comparison?.baseline?.high).toBeCloseTo(0.8318109975074672, 6);
    // scipy.stats.ttest_rel: t = 3.3166, p = 0.0068723
    expect(comparison?.pValue).toBeCloseTo(0.006872303308921113, 6);
    expect(comparison?.difference?.mean).toBeCloseTo(0.5, 12);
    expect(comparison?.difference?.n).toBe(12);
    expect(comparison?.difference?.low).toBeGreaterThan(0);
    expect(comparison).toMatchObject({ improvedCases: 6, regressedCases: 0, unchangedCases: 6 });
  });

  it("small mixed changes are no significant change, and a failed score leaves the case out of the pair", () => {
    const base = [0.2, 0.4, 0.6, 0.8, 1.0, 0.5, 0.5, 0.3, 0.9, 0.1];
    const cand = [0.3, 0.4, 0.5, 0.9, 1.0, 0.7, 0.6, 0.3, 0.8, 0.4];
    const results = [
      ...cand.map((s, i) => result(0, i, { judge: s })),
      ...base.map((s, i) => result(1, i, { judge: s })),
      // An eleventh case: the candidate's judge failed on it, the baseline's scored it.
      result(0, 10, { judge: null }),
      result(1, 10, { judge: 0 }),
    ];
    const summary = summariseRun([variant("candidate"), variant("baseline")], ["judge"], results);
    const candidate = summary.variants[0];
    expect(candidate?.scores).toEqual([
      {
        scorer: "judge",
        // scipy: 0.59 with t-interval [0.410130, 0.769870] over the ten scored cases
        interval: {
          mean: expect.closeTo(0.59, 12),
          low: expect.closeTo(0.41013044814476246, 6),
          high: expect.closeTo(0.7698695518552374, 6),
          n: 10,
        },
        errors: 1,
      },
    ]);
    const comparison = candidate?.comparison[0];
    // scipy.stats.ttest_rel over the ten pairs: t = 1.5, p = 0.167851
    expect(comparison?.pValue).toBeCloseTo(0.16785065605707505, 6);
    expect(comparison?.difference?.mean).toBeCloseTo(0.06, 12);
    expect(comparison?.difference?.n).toBe(10);
    expect(comparison?.verdict).toBe("no significant change");
    expect(comparison).toMatchObject({ improvedCases: 5, regressedCases: 2, unchangedCases: 3 });
  });

  it("intervals stay within what a score can be: means in [0, 1], differences in [-1, 1]", () => {
    // Two cases: the baseline scores 0 and 1, the candidate 1 and 0.5. The textbook t-intervals
    // are 0.5 ± 12.706 · 0.5 = [-5.853, 6.853] and 0.75 ± 12.706 · 0.25 = [-2.427, 3.927].
    const results = [
      result(0, 0, { judge: 1 }),
      result(0, 1, { judge: 0.5 }),
      result(1, 0, { judge: 0 }),
      result(1, 1, { judge: 1 }),
    ];
    const summary = summariseRun([variant("candidate"), variant("baseline")], ["judge"], results);
    const [candidate, baseline] = summary.variants;
    expect(baseline?.scores[0]?.interval).toEqual({ mean: 0.5, low: 0, high: 1, n: 2 });
    expect(candidate?.scores[0]?.interval).toEqual({ mean: 0.75, low: 0, high: 1, n: 2 });
    const comparison = candidate?.comparison[0];
    expect(comparison?.baseline).toEqual({ mean: 0.5, low: 0, high: 1, n: 2 });
    expect(comparison?.candidate).toEqual({ mean: 0.75, low: 0, high: 1, n: 2 });
    // Differences 1 and -0.5: resampled means are -0.5, 0.25 or 1.
    expect(comparison?.difference).toEqual({ mean: 0.25, low: -0.5, high: 1, n: 2 });
    // A single case has no spread: its interval is its mean.
    const one = summariseRun([variant("baseline")], ["judge"], [result(0, 0, { judge: 0.4 })]);
    expect(one.variants[0]?.scores[0]?.interval).toEqual({ mean: 0.4, low: 0.4, high: 0.4, n: 1 });
  });

  it("fewer than ten pairs is not enough cases; no pairs at all has no numbers", () => {
    const results = [
      ...Array.from({ length: 4 }, (_, i) => result(0, i, { a: 1, b: null })),
      ...Array.from({ length: 4 }, (_, i) => result(1, i, { a: 0, b: 1 })),
    ];
    const summary = summariseRun([variant("candidate"), variant("baseline")], ["a", "b"], results);
    const [a, b] = summary.variants[0]?.comparison ?? [];
    expect(a?.verdict).toBe("not enough cases");
    expect(a?.improvedCases).toBe(4);
    expect(b).toEqual({
      scorer: "b",
      candidate: null,
      baseline: null,
      difference: null,
      pValue: null,
      verdict: "not enough cases",
      improvedCases: 0,
      regressedCases: 0,
      unchangedCases: 0,
    });
  });

  it("each candidate is compared with the baseline that ran the same model; latency and cost are means of the calls that succeeded", () => {
    const variants = [
      variant("candidate", "m1"),
      variant("candidate", "m2"),
      variant("baseline", "m1"),
      variant("baseline", "m2"),
    ];
    expect([0, 1, 2, 3].map((i) => baselineVariantOf(variants, i))).toEqual([2, 3, null, null]);
    const results = [
      result(0, 1, { s: 1 }, { latencyMs: 100, cost: 0.002 }),
      result(0, 2, { s: 1 }, { latencyMs: 300, cost: null }),
      result(0, 3, {}, { latencyMs: 5000, cost: null, error: "provider 'x' answered 500" }),
      result(1, 1, { s: 0 }),
      result(2, 1, { s: 0 }),
      result(3, 1, { s: 1 }),
    ];
    const summary = summariseRun(variants, ["s"], results);
    const first = summary.variants[0];
    expect(first).toMatchObject({
      meanLatencyMs: 200,
      meanCostUsd: 0.002,
      errors: 1,
      scores: [{ scorer: "s", interval: { mean: 1, n: 2 }, errors: 1 }],
    });
    expect(first?.comparison[0]?.improvedCases).toBe(1);
    expect(summary.variants[1]?.comparison[0]?.regressedCases).toBe(1);
    // A run without a baseline compares nothing.
    const alone = summariseRun([variant("candidate")], ["s"], [result(0, 1, { s: 1 })]);
    expect(alone.variants[0]?.comparison).toEqual([]);
    expect(alone.variants[0]?.baselineVariant).toBeNull();
  });

  it("a variant with no results yet has null means and no errors", () => {
    const summary = summariseRun([variant("candidate"), variant("baseline")], ["s"], []);
    expect(summary.variants[0]).toMatchObject({
      scores: [{ scorer: "s", interval: null, errors: 0 }],
      meanLatencyMs: null,
      meanCostUsd: null,
      errors: 0,
    });
  });
});

describe("per-case outcomes", () => {
  it("a difference within 1e-9 is unchanged", () => {
    expect(caseOutcome(0.5, 0.5 + 1e-10)).toBe("unchanged");
    expect(caseOutcome(0.5, 0.5 + 1e-6)).toBe("improved");
    expect(caseOutcome(0.5, 0.4)).toBe("regressed");
  });

  it("deltas name each candidate and scorer both sides scored", () => {
    const variants = [variant("candidate"), variant("candidate"), variant("baseline")];
    const scores = (s: Record<string, number | null>) => result(0, 0, s);
    const deltas = caseDeltas(
      variants,
      ["a", "b"],
      new Map([
        [0, scores({ a: 1, b: 0.25 })],
        [1, scores({ a: 0, b: null })],
        [2, scores({ a: 0.5, b: 0.5 })],
      ]),
    );
    expect(deltas).toEqual([
      { variant: 0, scorer: "a", delta: 0.5, outcome: "improved" },
      { variant: 0, scorer: "b", delta: -0.25, outcome: "regressed" },
      { variant: 1, scorer: "a", delta: -0.5, outcome: "regressed" },
    ]);
  });
});
