import type { GatePolicy } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { checkPolicy, draftOf, emptyRequirement, ruleInWords } from "./policyForm.js";

const policy: GatePolicy = {
  minor: {
    requirements: [{ dataset: "support/questions", scorer: "equals" }],
    noRegression: true,
    maxLatencyMs: 10_000,
  },
  major: {
    requirements: [
      {
        dataset: "support/questions",
        scorer: "equals",
        minMean: 0.8,
        prompts: ["support/answer", "billing/"],
      },
    ],
    noRegression: true,
  },
};

describe("the gate-policy form", () => {
  it("reads a stored policy into the form and gives back the same policy", () => {
    const draft = draftOf(policy);
    expect(draft.patch.enabled).toBe(false);
    expect(draft.major.requirements[0]?.minMean).toBe("0.8");
    // The prompts a requirement is scoped to survive the form: a save does not widen it.
    expect(draft.major.requirements[0]?.prompts).toBe("support/answer, billing/");
    expect(checkPolicy(draft).policy).toEqual(policy);
    expect(ruleInWords(policy.major)).toContain("(for support/answer, billing/)");
  });

  it("says beside the prompts field when a scope is not a prompt or folder", () => {
    const draft = draftOf(null);
    draft.minor = {
      enabled: true,
      requirements: [emptyRequirement("support/questions", "equals", "", "support//x")],
      noRegression: false,
      maxLatencyMs: "",
      maxCostUsd: "",
    };
    expect(checkPolicy(draft).errors.minor.requirements[0]?.prompts).toMatch(/folder ending in/);
  });

  it("starts empty, every level passing freely, which saves as an empty policy", () => {
    const draft = draftOf(null);
    expect(checkPolicy(draft).policy).toEqual({});
  });

  it("says beside each field what is wrong: a missing dataset, a mean above 1, a negative limit", () => {
    const draft = draftOf(null);
    draft.minor = {
      enabled: true,
      requirements: [emptyRequirement("", "equals", "1.5")],
      noRegression: false,
      maxLatencyMs: "-3",
      maxCostUsd: "abc",
    };
    const check = checkPolicy(draft);
    expect(check.policy).toBeUndefined();
    expect(check.errors.minor.requirements[0]).toEqual({
      dataset: "Pick the dataset.",
      minMean: "A minimum mean is between 0 and 1.",
    });
    expect(check.errors.minor.maxLatencyMs).toBe("Must be more than 0.");
    expect(check.errors.minor.maxCostUsd).toBe("Must be a number.");
  });

  it("says a rule in words", () => {
    expect(ruleInWords(policy.major)).toBe(
      "needs equals run on support/questions with a mean of at least 0.8 (for support/answer, billing/); no significant regression against what is served",
    );
    expect(ruleInWords(undefined)).toBe("passes freely");
  });
});
