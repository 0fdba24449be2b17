import { describe, expect, it } from "vitest";
import {
  compareScores,
  incompleteBeta,
  meanInterval,
  pairedBootstrap,
  pairedTTest,
  studentTCdf,
  studentTQuantile,
} from "./statistics.js";

// Worked examples. Closed forms and printed tables where they exist; the rest as SciPy 1.17
// (scipy.stats.t.cdf / t.ppf / t.interval / ttest_rel) gives them for the same data.
const BASELINE = [0.2, 0.5, 0.4, 0.7, 0.3, 0.6, 0.5, 0.4, 0.8, 0.5, 0.6, 0.3];
const CANDIDATE = [0.4, 0.6, 0.5, 0.9, 0.4, 0.6, 0.7, 0.5, 0.8, 0.7, 0.7, 0.5];
const WORSE_BASE = [0.9, 0.8, 0.9, 1, 0.7, 0.9, 0.8, 0.9, 1, 0.8, 0.9, 0.7, 0.8, 0.9, 1];
const WORSE = [0.7, 0.6, 0.8, 0.9, 0.5, 0.8, 0.6, 0.7, 0.9, 0.6, 0.7, 0.6, 0.7, 0.8, 0.8];

describe("Student's t distribution", () => {
  it("matches closed forms: Cauchy at df 1, and 1/2 + t / (2 sqrt(t² + 2)) at df 2", () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTCdf(0.5, 2)).toBeCloseTo(2 / 3, 12);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
  });

  it("matches SciPy's t.cdf", () => {
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850708, 10);
    expect(studentTCdf(-1.5, 10)).toBeCloseTo(0.08225366322272007, 10);
    expect(studentTCdf(3, 30)).toBeCloseTo(0.9973050179671741, 10);
  });

  it("gives the 97.5 % quantiles of a printed t table", () => {
    const table: Array<[number, number]> = [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [11, 2.201],
      [30, 2.042],
      [100, 1.984],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.975, 11)).toBeCloseTo(2.200985160091639, 9);
  });

  it("has I_x(a, b) = x when a = b = 1, and I_x(a, 1) = x^a", () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.5, 3, 1)).toBeCloseTo(0.125, 12);
  });
});

describe("means and their 95 % intervals", () => {
  it("match SciPy's t.interval", () => {
    const b = meanInterval(BASELINE);
    expect(b.mean).toBeCloseTo(0.4833333333333332, 12);
    expect(b.low).toBeCloseTo(0.37217802484432994, 10);
    expect(b.high).toBeCloseTo(0.5944886418223365, 10);
    const c = meanInterval(CANDIDATE);
    expect(c.low).toBeCloseTo(0.5089437689979353, 10);
    expect(c.high).toBeCloseTo(0.7077228976687313, 10);
  });

  it("collapse to the value for one case, and say nothing for none", () => {
    expect(meanInterval([0.4])).toEqual({ mean: 0.4, low: 0.4, high: 0.4, n: 1 });
    expect(Number.isNaN(meanInterval([]).mean)).toBe(true);
  });
});

describe("the paired t-test", () => {
  it("matches SciPy's ttest_rel on an improvement and on a regression", () => {
    const better = pairedTTest(BASELINE, CANDIDATE);
    expect(better.meanDifference).toBeCloseTo(0.125, 12);
    expect(better.t).toBeCloseTo(5.744562646538029, 9);
    expect(better.df).toBe(11);
    expect(better.pValue).toBeCloseTo(0.00012940169548043978, 9);
    const worse = pairedTTest(WORSE_BASE, WORSE);
    expect(worse.t).toBeCloseTo(-11.5, 9);
    expect(worse.pValue).toBeCloseTo(1.6120159557141313e-8, 12);
  });

  it("gives p = 1 when nothing changes, and 0 when every case moves by the same amount", () => {
    const same = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0];
    const shuffled = [1, 1, 0, 1, 0, 1, 1, 0, 1, 0];
    expect(pairedTTest(same, shuffled).pValue).toBeCloseTo(1, 12);
    expect(pairedTTest(same, same).pValue).toBe(1);
    expect(pairedTTest([0.1, 0.2, 0.3], [0.3, 0.4, 0.5]).pValue).toBe(0);
  });

  it("refuses scores that are not paired", () => {
    expect(() => pairedTTest([1, 0], [1])).toThrow(/same cases/);
  });
});

describe("the paired bootstrap", () => {
  it("collapses to the difference when every case moves by the same amount", () => {
    const moved = pairedBootstrap([0.1, 0.2, 0.3, 0.4], [0.3, 0.4, 0.5, 0.6]);
    expect(moved.mean).toBeCloseTo(0.2, 12);
    expect(moved.low).toBeCloseTo(0.2, 12);
    expect(moved.high).toBeCloseTo(0.2, 12);
  });

  it("is reproducible for a seed, holds the mean, and is close to the t-interval of the differences", () => {
    const once = pairedBootstrap(BASELINE, CANDIDATE, { seed: 7 });
    expect(pairedBootstrap(BASELINE, CANDIDATE, { seed: 7 })).toEqual(once);
    expect(once.low).toBeLessThan(0.125);
    expect(once.high).toBeGreaterThan(0.125);
    // The differences' t-interval is 0.125 ± 0.0479; a percentile bootstrap of 12 cases is a
    // little narrower (it divides by n, not n − 1), within a hundredth.
    expect(once.low).toBeCloseTo(0.125 - 0.0479, 1);
    expect(once.high).toBeCloseTo(0.125 + 0.0479, 1);
  });
});

describe("the verdict", () => {
  it("calls an improvement, a regression, no change, and too few cases", () => {
    expect(compareScores(BASELINE, CANDIDATE).verdict).toBe("improved");
    expect(compareScores(WORSE_BASE, WORSE).verdict).toBe("regressed");
    expect(
      compareScores([1, 0, 1, 1, 0, 1, 0, 1, 1, 0], [1, 1, 0, 1, 0, 1, 1, 0, 1, 0]).verdict,
    ).toBe("no significant change");
    expect(compareScores(BASELINE.slice(0, 5), CANDIDATE.slice(0, 5)).verdict).toBe(
      "not enough cases",
    );
  });

  it("compares 1,000 cases with 10,000 resamples", () => {
    const base = Array.from({ length: 1000 }, (_, i) => (i % 10) / 10);
    const candidate = base.map((v, i) => Math.min(1, v + (i % 3 === 0 ? 0.1 : 0)));
    const result = compareScores(base, candidate);
    expect(result.verdict).toBe("improved");
    expect(result.difference.low).toBeGreaterThan(0);
  });
});
