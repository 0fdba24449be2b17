import type { GuardrailCheck, Rollout, RolloutDetail } from "@promptline/core";
import { describe, expect, it } from "vitest";
import {
  decisionTitle,
  figuresInWords,
  guardrailSeries,
  latestCheck,
  rolloutLine,
  stepsOf,
  trafficRows,
  versionShares,
} from "./rolloutText.js";

const START = "2026-05-01T10:00:00.000Z";

const canary: Rollout = {
  id: 3,
  name: "support/answer",
  environment: "production",
  strategy: "canary",
  status: "running",
  control: 7,
  candidates: [8],
  unit: "userId",
  salt: "s",
  split: [
    { version: 8, weight: 2500 },
    { version: 7, weight: 7500 },
  ],
  rules: [],
  canary: {
    steps: [
      { weight: 500, holdMinutes: 30 },
      { weight: 2500, holdMinutes: 30 },
      { weight: 10_000, holdMinutes: 0 },
    ],
    step: 1,
    stepStartedAt: START,
  },
  guardrails: [{ metric: "error_rate", worseWhen: "higher", tolerance: 0.02, relative: false }],
  onBreach: "rollback",
  minSamples: 100,
  revision: 2,
  reason: null,
  startedBy: "apikey:admin",
  startedAt: START,
  updatedAt: START,
  endedAt: null,
  endedBy: null,
  endReason: null,
};

const check = (n: number, low: number, high: number): GuardrailCheck => ({
  metric: "error_rate",
  candidateVersion: 8,
  state: "healthy",
  reason: null,
  control: { n, mean: 0.05, variance: 0.05 },
  candidate: { n, mean: 0.06, variance: 0.06 },
  difference: 0.01,
  low,
  high,
  pValue: 0.4,
  allowed: 0.02,
});

describe("a rollout in words", () => {
  it("says what an environment serves while it runs, and each version's share", () => {
    expect(rolloutLine(canary)).toBe("rollout running: v7 → v8 at 25\u00a0%");
    expect(versionShares([canary], 8).map((s) => s.text)).toEqual([
      "production: 25\u00a0% (canary)",
    ]);
    expect(versionShares([canary], 7).map((s) => s.text)).toEqual([
      "production: 75\u00a0% (control)",
    ]);
    expect(versionShares([{ ...canary, status: "promoted" }], 8)).toEqual([]);
    const split: Rollout = {
      ...canary,
      environment: "staging",
      strategy: "split",
      status: "paused",
      canary: null,
      candidates: [8, 9],
      split: [
        { version: 8, weight: 2000 },
        { version: 9, weight: 1000 },
        { version: 7, weight: 7000 },
      ],
    };
    expect(rolloutLine(split)).toBe("rollout paused: v7 → v8 at 20\u00a0%, v9 at 10\u00a0%");
    expect(versionShares([canary, split], 9).map((s) => s.text)).toEqual([
      "staging: 10\u00a0% (split, paused)",
    ]);
  });

  it("marks the canary's steps behind, current (with how long it has been held) and ahead", () => {
    const now = Date.parse(START) + 12.5 * 60_000;
    expect(stepsOf(canary, now).map((s) => [s.state, s.heldMinutes])).toEqual([
      ["done", undefined],
      ["current", 12],
      ["next", undefined],
    ]);
  });

  it("draws a guardrail's interval only where the monitor had enough data", () => {
    const detail = {
      checks: [
        { at: "2026-05-01T10:02:00.000Z", checks: [check(200, -0.01, 0.03)] },
        // Too few observations: the interval's ends are infinite, which JSON sends as null.
        { at: "2026-05-01T10:01:00.000Z", checks: [check(10, null as never, null as never)] },
      ],
    } satisfies Pick<RolloutDetail, "checks">;
    const series = guardrailSeries(detail, "error_rate", 8);
    expect(series.map((p) => p.band)).toEqual([null, [-0.01, 0.03]]);
    expect(latestCheck(detail, "error_rate", 8)?.control.n).toBe(200);
    expect(latestCheck(detail, "p95_latency", 8)).toBeUndefined();
    const guardrail = canary.guardrails[0];
    if (!guardrail) throw new Error("no guardrail");
    expect(figuresInWords(check(200, -0.0142574, 0.0222574), guardrail)).toBe(
      "difference +1 pp (95 % −1.43 pp to +2.23 pp); tolerated +2 pp; control 5 % over 200; candidate 6 % over 200; p = 0.400",
    );
    expect(figuresInWords(check(10, null as never, null as never), guardrail)).toContain(
      "(no interval yet)",
    );
  });

  it("gives each variant its share of the calls and its error rate", () => {
    const rows = trafficRows({
      traffic: [
        { version: 8, variant: "candidate", calls: 25, errors: 1 },
        { version: 7, variant: "control", calls: 75, errors: 0 },
      ],
    });
    expect(rows.map((r) => [r.share, r.errorRate])).toEqual([
      [2500, 0.04],
      [7500, 0],
    ]);
  });

  it("names a decision, with the step it advanced to", () => {
    const decision = {
      id: 1,
      rolloutId: 3,
      action: "advance" as const,
      automatic: true,
      actor: "monitor",
      reason: "held",
      fromStep: 0,
      toStep: 1,
      checks: [],
      createdAt: START,
    };
    expect(decisionTitle(decision, canary)).toBe("Advanced to step 2 (25\u00a0%)");
    expect(decisionTitle({ ...decision, action: "rollback" }, canary)).toBe("Rolled back");
  });
});
