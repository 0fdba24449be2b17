import type { GuardrailCheck, RolloutDetail } from "@promptline/core";
import { describe, expect, it } from "vitest";
import {
  actedText,
  guardExpression,
  listText,
  metricDifference,
  metricValue,
  ruleLines,
  startedText,
  statusText,
} from "./text.js";

function check(overrides: Partial<GuardrailCheck>): GuardrailCheck {
  return {
    metric: "error_rate",
    candidateVersion: 8,
    state: "healthy",
    reason: null,
    control: { n: 4000, mean: 0.02, variance: 0.0196 },
    candidate: { n: 210, mean: 0.031, variance: 0.03 },
    difference: 0.011,
    low: -0.012,
    high: 0.034,
    pValue: 0.4,
    allowed: 0.02,
    ...overrides,
  };
}

/** A canary at its second step, watched by two guardrails, after an automatic advance. */
function canary(overrides: Partial<RolloutDetail> = {}): RolloutDetail {
  return {
    id: 12,
    name: "support/refund",
    environment: "production",
    strategy: "canary",
    status: "running",
    control: 7,
    candidates: [8],
    unit: "userId",
    salt: "s4lt",
    split: [
      { version: 8, weight: 2500 },
      { version: 7, weight: 7500 },
    ],
    rules: [],
    canary: {
      steps: [
        { weight: 500, holdMinutes: 30 },
        { weight: 2500, holdMinutes: 30 },
        { weight: 10000, holdMinutes: 0 },
      ],
      step: 1,
      stepStartedAt: "2026-12-01T10:30:00.000Z",
    },
    guardrails: [
      { metric: "error_rate", worseWhen: "higher", tolerance: 0.02, relative: false },
      { metric: "p95_latency", worseWhen: "higher", tolerance: 300, relative: false },
    ],
    onBreach: "rollback",
    minSamples: 100,
    revision: 2,
    reason: "shorter refund answers",
    startedBy: "apikey:admin",
    startedAt: "2026-12-01T10:00:00.000Z",
    updatedAt: "2026-12-01T10:30:00.000Z",
    endedAt: null,
    endedBy: null,
    endReason: null,
    decisions: [
      {
        id: 1,
        rolloutId: 12,
        action: "start",
        automatic: false,
        actor: "apikey:admin",
        reason: "shorter refund answers",
        fromStep: null,
        toStep: 0,
        checks: [],
        createdAt: "2026-12-01T10:00:00.000Z",
      },
      {
        id: 2,
        rolloutId: 12,
        action: "advance",
        automatic: true,
        actor: "guardrail-monitor",
        reason: "step 1 held 30 min with every guardrail healthy",
        fromStep: 0,
        toStep: 1,
        checks: [],
        createdAt: "2026-12-01T10:30:00.000Z",
      },
    ],
    checks: [
      { at: "2026-12-01T10:29:00.000Z", checks: [check({ difference: 0.5 })] },
      {
        at: "2026-12-01T10:31:00.000Z",
        checks: [
          check({}),
          check({
            metric: "p95_latency",
            state: "unknown",
            reason: "p95_latency: 40 of the 100 observations needed per arm",
            // The monitor's p95 figures: shares of calls over the control's p95 + 300 ms.
            control: { n: 40, mean: 0.05, variance: 0.0475 },
            candidate: { n: 40, mean: 0.075, variance: 0.07 },
            difference: 0.025,
            low: -0.08,
            high: 0.13,
            allowed: 0,
          }),
        ],
      },
    ],
    traffic: [
      { version: 8, variant: "candidate", calls: 210, errors: 7 },
      { version: 7, variant: "control", calls: 4000, errors: 80 },
    ],
    ...overrides,
  };
}

describe("how the CLI words a rollout", () => {
  it("writes guardrails back as the --guard expressions that make them", () => {
    const guards = [
      { metric: "error_rate", worseWhen: "higher", tolerance: 0.02, relative: false },
      { metric: "p95_latency", worseWhen: "higher", tolerance: 300, relative: false },
      { metric: "cost_per_call", worseWhen: "higher", tolerance: 0.1, relative: true },
      { metric: "cost_per_call", worseWhen: "higher", tolerance: 0.002, relative: false },
      { metric: "score:tone", worseWhen: "lower", tolerance: 0.05, relative: false },
      { metric: "error_rate", worseWhen: "higher", tolerance: 0.5, relative: true },
    ] as const;
    expect(guards.map((g) => guardExpression(g))).toEqual([
      "error_rate<+2%",
      "p95_latency<+300ms",
      "cost_per_call<+10%",
      "cost_per_call<+$0.002",
      "score:tone>-0.05",
      "error_rate<+50% of control's",
    ]);
  });

  it("gives each metric its unit: rates in percent and points, latency in ms, cost in dollars", () => {
    expect(metricValue("error_rate", 0.0312)).toBe("3.12 %");
    expect(metricDifference("error_rate", -0.011)).toBe("−1.1 pp");
    // A p95 check's figures are shares of calls over its limit (named in ms by its reason).
    expect(metricValue("p95_latency", 0.0712)).toBe("7.12 % slow");
    expect(metricDifference("p95_latency", 0.0212)).toBe("+2.12 pp slow");
    expect(metricValue("cost_per_call", 0.0012345)).toBe("$0.00123");
    expect(metricDifference("score:tone", 0)).toBe("+0");
  });

  it("shows a canary's step, weights, traffic, each guardrail's latest look and decisions", () => {
    expect(statusText(canary()).split("\n")).toEqual([
      "rollout #12 of support/refund on production: canary, running",
      "control v7 · candidate v8 · unit userId · on breach: rollback · 100 calls per arm before a verdict",
      "started by apikey:admin at 2026-12-01T10:00:00.000Z: shorter refund answers",
      "step 2 of 3 (25 %, held 30 min) since 2026-12-01T10:30:00.000Z: 5 % → [25 %] → 100 %",
      "serving: v8 25 % · v7 (control) 75 %",
      "traffic (4,210 calls since it started):",
      "┌─────────┬───────────┬───────┬────────┬────────┬────────────┐",
      "│ version │ variant   │ calls │ share  │ errors │ error rate │",
      "├─────────┼───────────┼───────┼────────┼────────┼────────────┤",
      "│ v8      │ candidate │ 210   │ 4.99 % │ 7      │ 3.33 %     │",
      "├─────────┼───────────┼───────┼────────┼────────┼────────────┤",
      "│ v7      │ control   │ 4000  │ 95 %   │ 80     │ 2 %        │",
      "└─────────┴───────────┴───────┴────────┴────────┴────────────┘",
      "guardrails (latest look 2026-12-01T10:31:00.000Z):",
      expect.stringMatching(/^┌/),
      expect.stringMatching(
        /│ guardrail +│ candidate +│ control +│ difference \(95 %\) +│ tolerated +│ state/,
      ),
      expect.stringMatching(/^├/),
      expect.stringMatching(
        /│ error_rate<\+2% +│ v8 3\.1 % \(n=210\) +│ 2 % \(n=4000\) +│ \+1\.1 pp \(−1\.2 pp to \+3\.4 pp\) +│ \+2 pp +│ healthy/,
      ),
      expect.stringMatching(/^├/),
      expect.stringMatching(
        /│ p95_latency<\+300ms +│ v8 7.5 % slow \(n=40\) +│ 5 % slow \(n=40\) +│ \+2.5 pp slow \(−8 pp slow to \+13 pp slow\) +│ \+0 pp slow +│ unknown: 40 of the 100 observations needed per arm/,
      ),
      expect.stringMatching(/^└/),
      "decisions (newest first):",
      expect.stringMatching(/^┌/),
      expect.stringMatching(/│ when +│ action +│ by +│ step +│ reason/),
      expect.stringMatching(/^├/),
      expect.stringMatching(
        /│ 2026-12-01T10:30:00.000Z │ advance +│ guardrail-monitor │ 1→2 +│ step 1 held 30 min with every guardrail healthy │/,
      ),
      expect.stringMatching(/^├/),
      expect.stringMatching(
        /│ 2026-12-01T10:00:00.000Z │ start +│ apikey:admin +│ 1 +│ shorter refund answers/,
      ),
      expect.stringMatching(/^└/),
    ]);
  });

  it("says how a rollout ended, and what has not happened yet", () => {
    const ended = statusText(
      canary({
        status: "rolled_back",
        endedAt: "2026-12-01T10:40:00.000Z",
        endedBy: "monitor",
        endReason: "error_rate: +6.1 against control (95 % 2.5 to 9.7), beyond the 2.00 tolerated",
        guardrails: [],
        checks: [],
        decisions: [],
        traffic: [],
      }),
    );
    expect(ended.split("\n")).toEqual([
      "rollout #12 of support/refund on production: canary, rolled back",
      "control v7 · candidate v8 · unit userId · on breach: rollback · 100 calls per arm before a verdict",
      "started by apikey:admin at 2026-12-01T10:00:00.000Z: shorter refund answers",
      "rolled back by monitor at 2026-12-01T10:40:00.000Z: error_rate: +6.1 against control (95 % 2.5 to 9.7), beyond the 2.00 tolerated",
      "step 2 of 3 (25 %, held 30 min) since 2026-12-01T10:30:00.000Z: 5 % → [25 %] → 100 %",
      "traffic: no calls yet",
      "guardrails: none (nothing stops or widens it by itself)",
    ]);
    expect(statusText(canary({ checks: [] }))).toMatch(
      /│ error_rate<\+2% +│ — +│ — +│ — +│ — +│ no look yet │/,
    );
    // A look at the last step (100 %) checks nothing: the look before it is shown, not "no look yet".
    const atLastStep = canary();
    atLastStep.checks.push({ at: "2026-12-01T10:45:00.000Z", checks: [] });
    const text = statusText(atLastStep);
    expect(text).toContain("guardrails (latest look 2026-12-01T10:31:00.000Z):");
    expect(text).not.toContain("no look yet");
  });

  it("writes targeting rules one a line, first to last", () => {
    expect(
      ruleLines([
        {
          description: "beta",
          conditions: [
            { attribute: "plan", op: "in", values: ["beta", "pro"] },
            { attribute: "app", op: "semver_gte", value: "2.10.0" },
          ],
          variants: [{ version: 8, weight: 10000 }],
        },
        {
          conditions: [
            { attribute: "email", op: "matches", pattern: "@acme\\.com$" },
            { attribute: "orgId", op: "percent", percent: 10 },
            { attribute: "seats", op: "gt", value: 50 },
            { attribute: "region", op: "not_equals", value: "eu" },
          ],
          variants: [
            { version: 8, weight: 5000 },
            { version: 7, weight: 5000 },
          ],
        },
      ]),
    ).toEqual([
      '  1. plan in ["beta", "pro"] and app ≥ 2.10.0 (semver) → v8 100 % (beta)',
      '  2. email matches /@acme\\.com$/ and orgId in 10 % (hashed) and seats > 50 and region ≠ "eu" → v8 50 % · v7 50 %',
    ]);
  });

  it("words a start, each action and a list", () => {
    const r = canary();
    expect(startedText(r).split("\n")).toEqual([
      "started canary rollout #12 of support/refund on production: v8 25 % · v7 (control) 75 %",
      "steps: 5 % → [25 %] → 100 %, each held 30 min before it widens",
      "guardrails: error_rate<+2%, p95_latency<+300ms (on breach: rollback)",
      "watch it: promptline rollout status support/refund --env production --watch",
    ]);
    expect(actedText("advance", r)).toBe(
      "advanced rollout #12 of support/refund on production: step 2 of 3, v8 25 % · v7 (control) 75 %",
    );
    expect(actedText("promote", { ...r, status: "promoted" }, 8)).toBe(
      "promoted rollout #12 of support/refund on production: production now serves v8",
    );
    expect(actedText("abort", { ...r, status: "aborted" })).toBe(
      "aborted rollout #12 of support/refund on production: production serves v7 again",
    );
    expect(listText([])).toBe("no rollouts");
    expect(listText([r, { ...r, id: 11, status: "aborted" }])).toMatch(
      /│ 12 +│ support\/refund │ production +│ canary +│ running +│ v7 → v8 +│ v8 25 % · v7 \(control\) 75 % │[\s\S]*│ 11 +│ support\/refund │ production +│ canary +│ aborted +│ v7 → v8 +│ — +│/,
    );
  });
});
