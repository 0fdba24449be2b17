import { describe, expect, it } from "vitest";
import { sequentialCompare } from "./sequential.js";

/** A seeded generator (mulberry32), so a simulation's outcome is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Running count, mean and variance of 0/1 outcomes (errors), as a guardrail keeps them. */
function arm() {
  let n = 0;
  let sum = 0;
  return {
    add(x: number) {
      n++;
      sum += x;
    },
    get summary() {
      const mean = n === 0 ? 0 : sum / n;
      return { n, mean, variance: mean * (1 - mean) };
    },
  };
}

describe("the mixture sequential probability ratio test", () => {
  // Expected values computed independently (Python) from the closed forms in sequential.ts.
  it("flags an error rate that went from 2 % to 6 % over 1,000 calls each", () => {
    const result = sequentialCompare(
      { n: 1000, mean: 0.02, variance: 0.02 * 0.98 },
      { n: 1000, mean: 0.06, variance: 0.06 * 0.94 },
      { tau2: 0.01 ** 2 },
    );
    expect(result.difference).toBeCloseTo(0.04, 12);
    expect(result.lambda).toBeCloseTo(260.0791263010894, 8);
    expect(result.pValue).toBeCloseTo(0.003844983694855681, 12);
    expect(result.low).toBeCloseTo(0.00977181207216074, 12);
    expect(result.high).toBeCloseTo(0.07022818792783925, 12);
    expect(result.significant).toBe(true);
  });

  it("says nothing of a small difference on 400 calls: p = 1, an interval around zero", () => {
    const result = sequentialCompare(
      { n: 400, mean: 0.95, variance: 0.0475 },
      { n: 400, mean: 0.94, variance: 0.0564 },
      { tau2: 0.05 ** 2 },
    );
    expect(result.lambda).toBeCloseTo(0.3652355927415156, 10);
    expect(result.pValue).toBe(1);
    expect(result.low).toBeCloseTo(-0.05894479601470698, 12);
    expect(result.high).toBeCloseTo(0.03894479601470696, 12);
    expect(result.significant).toBe(false);
  });

  it("puts the interval's ends where Λ(θ0) = 1/α, and keeps a huge Λ finite in log space", () => {
    const control = { n: 5000, mean: 820, variance: 200 ** 2 };
    const candidate = { n: 5000, mean: 900, variance: 220 ** 2 };
    const result = sequentialCompare(control, candidate, { tau2: 50 ** 2 });
    expect(result.low).toBeCloseTo(66.03693042996132, 9);
    expect(result.high).toBeCloseTo(93.96306957003868, 9);
    expect(result.pValue).toBeCloseTo(1.0553980421531927e-77, 88);
    for (const edge of [result.low, result.high]) {
      const atEdge = sequentialCompare(control, candidate, { tau2: 50 ** 2, theta0: edge });
      expect(atEdge.lambda).toBeCloseTo(20, 6);
    }
  });

  it("gives no verdict below the minimum per arm or without variance", () => {
    const few = sequentialCompare(
      { n: 29, mean: 0, variance: 0.1 },
      { n: 500, mean: 1, variance: 0.1 },
      { tau2: 0.01 },
    );
    expect(few).toMatchObject({ lambda: null, pValue: 1, significant: false });
    const flat = sequentialCompare(
      { n: 100, mean: 0, variance: 0 },
      { n: 100, mean: 0, variance: 0 },
      { tau2: 0.01 },
    );
    expect(flat.significant).toBe(false);
    expect(() =>
      sequentialCompare(
        { n: 100, mean: 0, variance: 1 },
        { n: 100, mean: 0, variance: 1 },
        { tau2: 0 },
      ),
    ).toThrow(RangeError);
  });

  it("keeps false alarms under α when looked at after every call, and catches a real regression", () => {
    const random = seeded(7);
    /** Runs a canary of `calls` calls per arm, checking after each; whether it ever fired. */
    const everFired = (controlRate: number, candidateRate: number, calls: number) => {
      const control = arm();
      const candidate = arm();
      for (let i = 0; i < calls; i++) {
        control.add(random() < controlRate ? 1 : 0);
        candidate.add(random() < candidateRate ? 1 : 0);
        if (i % 10 !== 9) continue;
        const verdict = sequentialCompare(control.summary, candidate.summary, {
          tau2: 0.02 ** 2,
        });
        if (verdict.significant) return true;
      }
      return false;
    };
    let falseAlarms = 0;
    for (let run = 0; run < 200; run++) if (everFired(0.05, 0.05, 2000)) falseAlarms++;
    expect(falseAlarms / 200).toBeLessThanOrEqual(0.05);
    let caught = 0;
    for (let run = 0; run < 50; run++) if (everFired(0.05, 0.12, 2000)) caught++;
    expect(caught / 50).toBeGreaterThanOrEqual(0.9);
  });
});
