import { describe, expect, it } from "vitest";
import { canaryPlanSchema, decideCanary, type GuardrailVerdict, parseCanary } from "./plan.js";

const plan = [
  { weight: 500, holdMinutes: 30 },
  { weight: 2500, holdMinutes: 30 },
  { weight: 5000, holdMinutes: 30 },
  { weight: 10_000, holdMinutes: 0 },
];
const start = new Date("2026-12-03T10:00:00Z");
const minutesLater = (m: number) => new Date(start.getTime() + m * 60_000);
const healthy: GuardrailVerdict[] = [{ state: "healthy" }, { state: "healthy" }];

describe("canary plans", () => {
  it("read the CLI's --canary and --hold", () => {
    expect(parseCanary("5,25,50,100", "30m")).toEqual(plan);
    expect(parseCanary("1, 100", "2h")).toEqual([
      { weight: 100, holdMinutes: 120 },
      { weight: 10_000, holdMinutes: 0 },
    ]);
    expect(parseCanary("0.5,100", "1d")).toMatchObject([{ weight: 50, holdMinutes: 1440 }, {}]);
  });

  it("refuse plans that shrink, stop short of 100 %, or are not numbers, saying what to write", () => {
    expect(parseCanary("5,25,10,100", "30m")).toBe(
      "--canary '5,25,10,100': each step must give the candidate more than the step before",
    );
    expect(parseCanary("5,50", "30m")).toBe(
      "--canary '5,50': the last step gives the candidate everyone (10000 basis points)",
    );
    expect(parseCanary("5%,100", "30m")).toMatch(
      /not a list of percentages: write e.g. 5,25,50,100/,
    );
    expect(parseCanary("5,100", "soon")).toMatch(/--hold 'soon' is not a duration/);
    expect(canaryPlanSchema.safeParse([]).success).toBe(false);
  });
});

describe("the monitor's decision", () => {
  const at = (step: number, paused = false) => ({ step, stepStartedAt: start, paused });

  it("holds a step for its time, then advances while every guardrail is healthy", () => {
    expect(decideCanary(plan, at(0), healthy, minutesLater(10), "rollback")).toMatchObject({
      action: "hold",
      reason: "step 1 (5 %) is held 30 min; 10 min so far",
    });
    expect(decideCanary(plan, at(0), healthy, minutesLater(30), "rollback")).toEqual({
      action: "advance",
      toStep: 1,
      reason: "step 1 held 30 min with every guardrail healthy",
    });
    expect(decideCanary(plan, at(3), healthy, minutesLater(0), "rollback").action).toBe("promote");
  });

  it("rolls back or pauses, as the rollout asks, the moment a guardrail is breached", () => {
    const breached: GuardrailVerdict[] = [
      { state: "healthy" },
      { state: "breached", reason: "error_rate +4.0 points (95 % 1.0 to 7.0) > +2 points" },
    ];
    expect(decideCanary(plan, at(0), breached, minutesLater(1), "rollback")).toEqual({
      action: "rollback",
      reason: "error_rate +4.0 points (95 % 1.0 to 7.0) > +2 points",
    });
    expect(decideCanary(plan, at(1, true), breached, minutesLater(1), "pause").action).toBe(
      "pause",
    );
  });

  it("waits for data, and never advances a rollout a person paused", () => {
    const unknown: GuardrailVerdict[] = [
      { state: "healthy" },
      { state: "unknown", reason: "p95_latency: 12 of the 30 calls needed per arm" },
    ];
    expect(decideCanary(plan, at(0), unknown, minutesLater(45), "rollback")).toEqual({
      action: "hold",
      reason: "waiting for data: p95_latency: 12 of the 30 calls needed per arm",
    });
    expect(decideCanary(plan, at(0, true), healthy, minutesLater(45), "rollback")).toEqual({
      action: "hold",
      reason: "paused by a person",
    });
  });
});
