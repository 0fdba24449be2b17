/**
 * What a start request becomes: the rollout's first split and canary state, after checking that
 * every version it names is the control or one of its candidates and that its patterns can run
 * on every path, the SDK's backtracking RegExp included.
 */
import {
  BUCKETS,
  backtrackingProblem,
  Invalid,
  type StartRolloutBody,
  type TargetingRuleBody,
  type WeightedVersion,
} from "@promptline/core";
import { patternProblem } from "@promptline/core/scorers";

/** The split a canary serves at a step: the candidate's share, the control the rest. */
export function canarySplit(candidate: number, control: number, weight: number): WeightedVersion[] {
  return [
    { version: candidate, weight },
    { version: control, weight: BUCKETS - weight },
  ];
}

function checkRules(rules: ReadonlyArray<TargetingRuleBody>, versions: ReadonlySet<number>): void {
  for (const [r, rule] of rules.entries()) {
    for (const variant of rule.variants) {
      if (!versions.has(variant.version)) {
        throw new Invalid(
          `rule ${r + 1} serves v${variant.version}, which is neither the control nor a candidate: serve one of ${[...versions].map((v) => `v${v}`).join(", ")}`,
        );
      }
    }
    for (const [c, condition] of rule.conditions.entries()) {
      if (condition.op !== "matches") continue;
      const what = `rule ${r + 1}, condition ${c + 1}'s pattern`;
      // RE2 on the server and the gateway; the SDK's own RegExp, which backtracks.
      const problem =
        patternProblem(condition.pattern, "", what) ?? backtrackingProblem(condition.pattern, what);
      if (problem) throw new Invalid(problem);
    }
  }
}

export interface StartPlan {
  candidates: number[];
  split: WeightedVersion[];
  canary: { steps: NonNullable<StartRolloutBody["canary"]>; step: number } | null;
}

/** The rollout's first state, or an Invalid saying what to fix in the request. */
export function planStart(body: StartRolloutBody, control: number): StartPlan {
  const candidates = body.candidates.map((c) => c.version);
  if (new Set(candidates).size !== candidates.length) {
    throw new Invalid("each candidate version may be named once");
  }
  if (candidates.includes(control)) {
    throw new Invalid(
      `v${control} is what '${body.environment}' serves now (the control): a candidate must be another version`,
    );
  }
  checkRules(body.rules, new Set([control, ...candidates]));
  if (body.strategy === "canary") {
    if (!body.canary) {
      throw new Invalid(
        "a canary needs its steps (canary), e.g. 500, 2500, 5000, 10000 basis points",
      );
    }
    if (candidates.length !== 1) throw new Invalid("a canary has exactly one candidate");
    if (body.candidates[0]?.weight !== undefined) {
      throw new Invalid("a canary's candidate takes its weight from the steps: leave weight out");
    }
    const first = body.canary[0]?.weight ?? 0;
    return {
      candidates,
      split: canarySplit(candidates[0] as number, control, first),
      canary: { steps: body.canary, step: 0 },
    };
  }
  if (body.canary) throw new Invalid("a split has no canary steps: use strategy 'canary'");
  const missing = body.candidates.find((c) => c.weight === undefined);
  if (missing) {
    throw new Invalid(
      `give candidate v${missing.version} its weight in basis points (2500 = 25 %); the control gets the rest`,
    );
  }
  const given = body.candidates.reduce((sum, c) => sum + (c.weight ?? 0), 0);
  if (given > BUCKETS) {
    throw new Invalid(`the candidates' weights add up to ${given}: at most 10000 (100 %)`);
  }
  return {
    candidates,
    split: [
      ...body.candidates.map((c) => ({ version: c.version, weight: c.weight ?? 0 })),
      { version: control, weight: BUCKETS - given },
    ],
    canary: null,
  };
}
