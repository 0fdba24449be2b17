import type { ScorerComparison } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { delta, headline, interval, pValue, score, variantName } from "./format.js";

const comparison = (scorer: string, verdict: ScorerComparison["verdict"]): ScorerComparison => ({
  scorer,
  verdict,
  candidate: null,
  baseline: null,
  difference: null,
  pValue: null,
  improvedCases: 0,
  regressedCases: 0,
  unchangedCases: 0,
});

describe("how evaluation numbers are written", () => {
  it("writes scores to two places and deltas with their sign", () => {
    expect(score(0.8234)).toBe("0.82");
    expect(score(null)).toBe("—");
    expect(delta(-0.4)).toBe("−0.40");
    expect(delta(0.12)).toBe("+0.12");
    expect(delta(0.0001)).toBe("0.00");
  });

  it("writes a mean with its interval, and p-values as a reader expects them", () => {
    expect(interval({ mean: 0.82, low: 0.751, high: 0.889 })).toBe("0.82 (0.75 to 0.89)");
    expect(interval(null)).toBe("—");
    expect(pValue(0.0000001)).toBe("p < 0.001");
    expect(pValue(0.04213)).toBe("p = 0.042");
    expect(pValue(null)).toBe("p —");
  });

  it("names a pinned label with the version it served, and the model when there is one", () => {
    const base = { role: "baseline" as const, provider: null, content: undefined };
    expect(variantName({ ...base, label: "production", version: 2, model: null })).toBe(
      "production (v2)",
    );
    expect(variantName({ ...base, label: "v3", version: 3, model: "gpt-4o" })).toBe("v3 · gpt-4o");
    expect(variantName({ ...base, label: "draft", version: null, model: null })).toBe("draft");
  });
});

describe("a candidate's headline", () => {
  it("leads with a regression on any scorer, naming every scorer that regressed", () => {
    expect(
      headline([
        comparison("equals", "regressed"),
        comparison("length", "improved"),
        comparison("judge", "regressed"),
      ]),
    ).toEqual({ verdict: "regressed", scorers: ["equals", "judge"] });
  });

  it("says improved when nothing regressed, and nothing when there was no baseline", () => {
    expect(
      headline([comparison("equals", "no significant change"), comparison("x", "improved")]),
    ).toEqual({ verdict: "improved", scorers: ["x"] });
    expect(headline([])).toBeNull();
  });
});
