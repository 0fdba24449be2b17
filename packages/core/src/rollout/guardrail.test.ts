import { describe, expect, it } from "vitest";
import { breaches, guardrailSchema, guardrailVerdict, parseGuard } from "./guardrail.js";

describe("guard expressions", () => {
  it("read the CLI's short forms into guardrails", () => {
    expect(parseGuard("error_rate<+2%")).toEqual({
      metric: "error_rate",
      worseWhen: "higher",
      tolerance: 0.02,
      relative: false,
    });
    expect(parseGuard("p95_latency<+300ms")).toEqual({
      metric: "p95_latency",
      worseWhen: "higher",
      tolerance: 300,
      relative: false,
    });
    expect(parseGuard("cost_per_call < +10%")).toEqual({
      metric: "cost_per_call",
      worseWhen: "higher",
      tolerance: 0.1,
      relative: true,
    });
    expect(parseGuard("score:tone>-0.05")).toEqual({
      metric: "score:tone",
      worseWhen: "lower",
      tolerance: 0.05,
      relative: false,
    });
    expect(parseGuard("cost_per_call<+$0.002")).toMatchObject({ tolerance: 0.002 });
  });

  it("say what is wrong with one that is not a guard", () => {
    expect(parseGuard("error_rate")).toMatch(/is not a guard: write <metric><op><tolerance>/);
    expect(parseGuard("error_rate<-2%")).toMatch(/how much worse the candidate may be/);
    expect(parseGuard("score:tone>+0.1")).toMatch(/how much worse/);
    expect(parseGuard("throughput<+5%")).toMatch(
      /'throughput' is not a metric — use error_rate, p95_latency, cost_per_call, feedback or score:<name>/,
    );
  });

  it("are checked like API input: unknown fields and negative tolerances refused", () => {
    const base = { metric: "feedback", worseWhen: "lower", tolerance: 0.1 };
    expect(guardrailSchema.safeParse(base).success).toBe(true);
    expect(guardrailSchema.safeParse({ ...base, tolerance: -1 }).success).toBe(false);
    expect(guardrailSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
    expect(guardrailSchema.safeParse({ ...base, metric: "score:" }).success).toBe(false);
  });
});

describe("a guardrail's breach", () => {
  const errors = parseGuard("error_rate<+2%");
  const tone = parseGuard("score:tone>-5%");

  it("needs the whole interval of the difference beyond the tolerance", () => {
    if (typeof errors === "string" || typeof tone === "string") throw new Error("parse failed");
    expect(breaches(errors, { low: 0.021, high: 0.06 }, 0.02)).toBe(true);
    // Could be within tolerance: noise does not trip it.
    expect(breaches(errors, { low: 0.01, high: 0.06 }, 0.02)).toBe(false);
    // Better is never a breach.
    expect(breaches(errors, { low: -0.05, high: -0.03 }, 0.02)).toBe(false);
    // 5 % of a control mean of 0.8 is 0.04.
    expect(breaches(tone, { low: -0.1, high: -0.041 }, 0.8)).toBe(true);
    expect(breaches(tone, { low: -0.1, high: -0.039 }, 0.8)).toBe(false);
  });
});

describe("a guardrail's verdict", () => {
  const errors = parseGuard("error_rate<+2%");
  const rate = (n: number, mean: number) => ({ n, mean, variance: mean * (1 - mean) });

  it("waits for data, then finds a regression beyond the tolerance, with the figures behind it", () => {
    if (typeof errors === "string") throw new Error("parse failed");
    const options = { tau2: 0.01 ** 2 };
    expect(guardrailVerdict(errors, rate(12, 0.02), rate(40, 0.1), options).verdict).toEqual({
      state: "unknown",
      reason: "error_rate: 12 of the 30 observations needed per arm",
    });
    const bad = guardrailVerdict(errors, rate(1000, 0.02), rate(1000, 0.1), options);
    expect(bad.verdict.state).toBe("breached");
    expect(bad.verdict).toMatchObject({
      reason: expect.stringMatching(
        /^error_rate: \+0\.0800 against control \(95 % 0\.0\d+ to 0\.1\d+\), beyond the 0\.0200 tolerated$/,
      ),
    });
    expect(bad.figures).toMatchObject({ difference: expect.closeTo(0.08, 10), allowed: 0.02 });
    // Worse, but not surely by more than the tolerance: healthy.
    const slight = guardrailVerdict(errors, rate(1000, 0.02), rate(1000, 0.04), options);
    expect(slight.verdict).toEqual({ state: "healthy" });
  });
});
