import { ApiError } from "@promptline/client";
import { describe, expect, it } from "vitest";
import { emptyGuardrail, guardrailInWords, guardrailOf, withMetric } from "./guardrailForm.js";
import {
  checkDraft,
  emptyCandidate,
  emptyStep,
  fieldKeys,
  newDraft,
  placeErrors,
  serverErrors,
} from "./startForm.js";
import { emptyCondition, emptyRule, moveRule, ruleInWords } from "./targetingForm.js";

describe("the start-a-rollout form", () => {
  it("starts as a 5/25/50/100 canary held 30 minutes a step, guarded on errors and latency", () => {
    const check = checkDraft(newDraft(8), "production", 7);
    expect(check.errors).toEqual({});
    expect(check.body).toMatchObject({
      environment: "production",
      strategy: "canary",
      candidates: [{ version: 8 }],
      canary: [
        { weight: 500, holdMinutes: 30 },
        { weight: 2500, holdMinutes: 30 },
        { weight: 5000, holdMinutes: 30 },
        { weight: 10_000, holdMinutes: 0 },
      ],
      rules: [],
      unit: "userId",
      guardrails: [
        { metric: "error_rate", worseWhen: "higher", tolerance: 0.02, relative: false },
        { metric: "p95_latency", worseWhen: "higher", tolerance: 300, relative: false },
      ],
      onBreach: "rollback",
      minSamples: 100,
    });
  });

  it("says beside a step that the last one must give the candidate everyone", () => {
    const draft = newDraft(8);
    draft.steps = [emptyStep("5"), emptyStep("50", "0")];
    const check = checkDraft(draft, "production", 7);
    expect(check.body).toBeUndefined();
    expect(check.errors["canary.1.weight"]).toBe(
      "The last step gives the candidate everyone: 100 %.",
    );
  });

  it("gives a split's control the rest, and says when the candidates take more than all", () => {
    const draft = newDraft(8);
    draft.strategy = "split";
    draft.candidates = [emptyCandidate("8", "20"), emptyCandidate("9", "10.5")];
    expect(checkDraft(draft, "staging", 7).body?.candidates).toEqual([
      { version: 8, weight: 2000 },
      { version: 9, weight: 1050 },
    ]);
    draft.candidates = [emptyCandidate("8", "70"), emptyCandidate("9", "abc")];
    const check = checkDraft(draft, "staging", 7);
    expect(check.errors["candidates.1.weight"]).toBe("A percentage is a number, e.g. 5 or 12.5.");
    draft.candidates = [emptyCandidate("8", "70"), emptyCandidate("9", "40")];
    expect(checkDraft(draft, "staging", 7).errors.candidates).toMatch(/more than 100 %/);
  });

  it("refuses the control as a candidate, and a protected environment's start without a reason", () => {
    const check = checkDraft(newDraft(7), "production", 7, { protectedEnvironment: true });
    expect(check.errors["candidates.0.version"]).toMatch(/v7 is the control/);
    expect(check.errors.reason).toMatch(/production is protected/);
  });

  it("reads each condition's value as its operator needs it and serves a rule's version or split", () => {
    const draft = newDraft(8);
    const plan = emptyRule("8");
    plan.conditions = [
      { ...emptyCondition(), attribute: "plan", op: "in", value: "pro, team" },
      { ...emptyCondition(), attribute: "appVersion", op: "semver_gte", value: "2.10.1" },
      { ...emptyCondition(), attribute: "age", op: "gt", value: "30" },
      { ...emptyCondition(), attribute: "userId", op: "percent", value: "10" },
    ];
    const eu = { ...emptyRule("8"), serves: "split" as const, weights: { "8": "25" } };
    eu.conditions = [{ ...emptyCondition(), attribute: "region", op: "matches", value: "^eu-" }];
    draft.rules = [plan, eu];
    const check = checkDraft(draft, "production", 7);
    expect(check.errors).toEqual({});
    expect(check.body?.rules).toEqual([
      {
        conditions: [
          { attribute: "plan", op: "in", values: ["pro", "team"] },
          { attribute: "appVersion", op: "semver_gte", value: "2.10.1" },
          { attribute: "age", op: "gt", value: 30 },
          { attribute: "userId", op: "percent", percent: 10 },
        ],
        variants: [{ version: 8, weight: 10_000 }],
      },
      {
        conditions: [{ attribute: "region", op: "matches", pattern: "^eu-" }],
        variants: [
          { version: 8, weight: 2500 },
          { version: 7, weight: 7500 },
        ],
      },
    ]);
    expect(ruleInWords(check.body?.rules[1] as never)).toBe(
      "region matches the pattern /^eu-/ → v8 (25\u00a0%), v7 (75\u00a0%)",
    );
  });

  it("says beside a condition what is wrong with it", () => {
    const draft = newDraft(8);
    const rule = emptyRule("8");
    rule.conditions = [
      { ...emptyCondition(), attribute: "", op: "equals", value: "x" },
      { ...emptyCondition(), attribute: "appVersion", op: "semver_gt", value: "two" },
      { ...emptyCondition(), attribute: "age", op: "lt", value: "old" },
      { ...emptyCondition(), attribute: "plan", op: "in", value: " , " },
      { ...emptyCondition(), attribute: "userId", op: "percent", value: "120" },
    ];
    draft.guardrails = [{ ...withMetric(emptyGuardrail(), "score"), tolerance: "0.1" }];
    draft.steps = [emptyStep("5", ""), emptyStep("100", "0")];
    draft.rules = [rule];
    const { errors } = checkDraft(draft, "production", 7);
    const { fields, unplaced } = placeErrors(errors, fieldKeys(draft));
    expect(fields["rules.0.conditions.0.attribute"]).toBe("Name the attribute.");
    expect(fields["rules.0.conditions.1.value"]).toBe("A version such as 2.10.1.");
    expect(fields["rules.0.conditions.2.value"]).toBe("Must be a number.");
    expect(fields["rules.0.conditions.3.values"]).toMatch(/^Give at least one value/);
    expect(fields["rules.0.conditions.4.percent"]).toBe("A percentage is between 0 and 100.");
    expect(fields["guardrails.0.metric"]).toMatch(/^Name the scorer/);
    expect(fields["canary.0.holdMinutes"]).toMatch(/^Give the hold in whole minutes/);
    expect(unplaced).toEqual([]);
  });

  it("moves a rule up and down, the others keeping their order", () => {
    const [a, b, c] = [emptyRule("8"), emptyRule("8"), emptyRule("8")];
    expect(moveRule([a, b, c], 2, -1)).toEqual([a, c, b]);
    expect(moveRule([a, b, c], 0, 1)).toEqual([b, a, c]);
    expect(moveRule([a, b, c], 0, -1)).toEqual([a, b, c]);
  });

  it("turns a guardrail's typed tolerance into the API's, the direction following the metric", () => {
    const score = { ...withMetric(emptyGuardrail(), "score"), score: "tone", tolerance: "0.05" };
    expect(guardrailOf(score)).toEqual({
      metric: "score:tone",
      worseWhen: "lower",
      tolerance: 0.05,
      relative: false,
    });
    const cost = { ...withMetric(emptyGuardrail(), "cost_per_call"), tolerance: "10" };
    expect(guardrailOf({ ...cost, relative: true })).toMatchObject({ tolerance: 0.1 });
    expect(
      guardrailInWords({
        metric: "error_rate",
        worseWhen: "higher",
        tolerance: 0.02,
        relative: false,
      }),
    ).toBe("Error rate may rise by at most 2 percentage points");
  });

  it("places the server's refusals on their fields, and keeps what no field is about apart", () => {
    const refusal = new ApiError(400, {
      status: 400,
      code: "invalid",
      message: "body.canary.2.weight: too big",
      details: {
        issues: [
          { path: "body.canary.2.weight", message: "each step must give the candidate more" },
          { path: "body.rules.0.conditions.0.values.3", message: "too long" },
          { path: "body.environment", message: "no such environment" },
        ],
      },
    });
    const draft = newDraft(8);
    draft.rules = [{ ...emptyRule("8"), conditions: [{ ...emptyCondition(), op: "in" }] }];
    const { fields, unplaced } = placeErrors(serverErrors(refusal).fields, fieldKeys(draft));
    expect(fields).toEqual({
      "canary.2.weight": "Each step must give the candidate more.",
      "rules.0.conditions.0.values": "Too long.",
    });
    expect(unplaced).toEqual(["No such environment."]);
    const conflict = new ApiError(409, {
      status: 409,
      code: "conflict",
      message: "a rollout is running on production",
    });
    expect(serverErrors(conflict)).toEqual({
      fields: {},
      general: ["A rollout is running on production."],
    });
    const pattern = new ApiError(400, {
      status: 400,
      code: "invalid",
      message: "rule 1, condition 2's pattern '(' is not a pattern: missing )",
    });
    expect(Object.keys(serverErrors(pattern).fields)).toEqual(["rules.0.conditions.1.pattern"]);
  });
});
