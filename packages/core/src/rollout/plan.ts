/**
 * A canary's plan and what the guardrail monitor does with it: steps of weights held for a
 * time, advanced when the step's hold is over and every guardrail is healthy, and paused or
 * rolled back (as the rollout asks) as soon as one is breached. Pure: the monitor brings the
 * time and the guardrails' verdicts, and records what this decides.
 */
import { z } from "zod";
import { BUCKETS } from "./assign.js";

export const canaryStepSchema = z
  .object({
    /** The candidate's share in basis points (500 = 5 %). */
    weight: z.number().int().min(1).max(BUCKETS),
    /** How long the step is watched before it may advance; 0 for a step that ends the plan. */
    holdMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60),
  })
  .strict();
export type CanaryStep = z.infer<typeof canaryStepSchema>;

/** Steps that only widen, ending at 100 %. */
export const canaryPlanSchema = z
  .array(canaryStepSchema)
  .min(1)
  .max(20)
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      if ((steps[i] as CanaryStep).weight <= (steps[i - 1] as CanaryStep).weight) {
        ctx.addIssue({
          code: "custom",
          path: [i, "weight"],
          message: "each step must give the candidate more than the step before",
        });
      }
    }
    // Refinements run even when the list is empty (min(1) has already said so).
    const last = steps.at(-1);
    if (last && last.weight !== BUCKETS) {
      ctx.addIssue({
        code: "custom",
        path: [steps.length - 1, "weight"],
        message: "the last step gives the candidate everyone (10000 basis points)",
      });
    }
  });
export type CanaryPlan = z.infer<typeof canaryPlanSchema>;

/**
 * The CLI's `--canary 5,25,50,100 --hold 30m`: percentages, each step held for the same time
 * (the last one not at all); or a message saying what to write.
 */
export function parseCanary(steps: string, hold: string): CanaryPlan | string {
  const holdMatch = /^\s*(\d+)\s*(m|h|d)?\s*$/.exec(hold);
  if (!holdMatch)
    return `--hold '${hold}' is not a duration: write minutes (30m), hours (2h) or days (1d)`;
  const minutes = Number(holdMatch[1]) * { m: 1, h: 60, d: 1440 }[(holdMatch[2] ?? "m") as "m"];
  const percents = steps.split(",").map((s) => s.trim());
  if (percents.some((p) => !/^\d+(\.\d{1,2})?$/.test(p))) {
    return `--canary '${steps}' is not a list of percentages: write e.g. 5,25,50,100`;
  }
  const plan = percents.map((p, i) => ({
    weight: Math.round(Number(p) * 100),
    holdMinutes: i === percents.length - 1 ? 0 : minutes,
  }));
  const parsed = canaryPlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `--canary '${steps}': ${issue?.message ?? "not a plan"}`;
  }
  return parsed.data;
}

export interface CanaryState {
  /** The step the rollout is at (an index into the plan). */
  step: number;
  /** When that step began. */
  stepStartedAt: Date;
  /** True once a person paused it: the monitor then only watches. */
  paused: boolean;
}

export type CanaryDecision =
  | { action: "hold"; reason: string }
  | { action: "advance"; toStep: number; reason: string }
  | { action: "promote"; reason: string }
  | { action: "pause" | "rollback"; reason: string };

/** A guardrail's verdict now: breached (with why), healthy, or not enough data yet. */
export type GuardrailVerdict =
  | { state: "breached"; reason: string }
  | { state: "healthy" }
  | { state: "unknown"; reason: string };

/**
 * What the monitor should do now. A breach wins over everything (pause or roll back, as the
 * rollout asks); a paused rollout holds; a step advances only once its hold is over and every
 * guardrail has enough data and is healthy; past the last step the candidate is promoted.
 */
export function decideCanary(
  plan: CanaryPlan,
  state: CanaryState,
  verdicts: ReadonlyArray<GuardrailVerdict>,
  now: Date,
  onBreach: "pause" | "rollback",
): CanaryDecision {
  const breach = verdicts.find((v) => v.state === "breached");
  if (breach && breach.state === "breached") return { action: onBreach, reason: breach.reason };
  if (state.paused) return { action: "hold", reason: "paused by a person" };
  const step = plan[state.step];
  if (!step) return { action: "hold", reason: `step ${state.step + 1} is not in the plan` };
  const heldMinutes = (now.getTime() - state.stepStartedAt.getTime()) / 60_000;
  if (heldMinutes < step.holdMinutes) {
    return {
      action: "hold",
      reason: `step ${state.step + 1} (${step.weight / 100} %) is held ${step.holdMinutes} min; ${Math.floor(heldMinutes)} min so far`,
    };
  }
  const unknown = verdicts.find((v) => v.state === "unknown");
  if (unknown && unknown.state === "unknown") {
    return { action: "hold", reason: `waiting for data: ${unknown.reason}` };
  }
  const next = state.step + 1;
  if (next >= plan.length) {
    return { action: "promote", reason: "every step held with every guardrail healthy" };
  }
  return {
    action: "advance",
    toStep: next,
    reason: `step ${state.step + 1} held ${step.holdMinutes} min with every guardrail healthy`,
  };
}
