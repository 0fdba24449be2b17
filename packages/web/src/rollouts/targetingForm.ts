/**
 * Targeting rules as the start form has them: conditions on the caller's context, each an
 * attribute, an operator and what it compares with (one text field, read as the operator needs
 * it), and what a caller the rule catches is served: one version, or a split of the rollout's
 * versions; and back again, in words, for the live view.
 */
import type { RolloutCondition, TargetingRuleBody } from "@promptline/core";
import { basisPointsOf, numberOf, percentText, rowKey } from "./percent.js";

export type Operator = RolloutCondition["op"];

/** Every operator, with the words the form offers and what its value field asks for. */
export const OPERATORS: Array<{ op: Operator; label: string; value: string }> = [
  { op: "equals", label: "equals", value: "Value" },
  { op: "not_equals", label: "does not equal", value: "Value" },
  { op: "in", label: "is one of", value: "Values, comma-separated" },
  { op: "not_in", label: "is none of", value: "Values, comma-separated" },
  { op: "matches", label: "matches the pattern", value: "Pattern (RE2)" },
  { op: "gt", label: ">", value: "Number" },
  { op: "gte", label: "≥", value: "Number" },
  { op: "lt", label: "<", value: "Number" },
  { op: "lte", label: "≤", value: "Number" },
  { op: "semver_gt", label: "version after", value: "Version (2.10.1)" },
  { op: "semver_gte", label: "version at or after", value: "Version (2.10.1)" },
  { op: "semver_lt", label: "version before", value: "Version (2.10.1)" },
  { op: "semver_lte", label: "version at or before", value: "Version (2.10.1)" },
  { op: "percent", label: "in a percentage of", value: "Percent of its values" },
];

const operator = (op: Operator) => OPERATORS.find((o) => o.op === op) ?? OPERATORS[0];

export const valueLabel = (op: Operator) => operator(op)?.value ?? "Value";

/** The field of a condition that holds what the operator compares with, as the API names it. */
export function valueKey(op: Operator): "value" | "values" | "pattern" | "percent" {
  if (op === "in" || op === "not_in") return "values";
  if (op === "matches") return "pattern";
  if (op === "percent") return "percent";
  return "value";
}

export interface ConditionDraft {
  key: string;
  attribute: string;
  op: Operator;
  value: string;
}

export interface RuleDraft {
  key: string;
  description: string;
  conditions: ConditionDraft[];
  /** One version for everyone the rule catches, or a split of the rollout's versions. */
  serves: "version" | "split";
  /** The version served (a number, as text). */
  version: string;
  /** Version (as text) → its share in percent; the control gets the rest. */
  weights: Record<string, string>;
}

export const emptyCondition = (): ConditionDraft => ({
  key: rowKey("condition"),
  attribute: "",
  op: "equals",
  value: "",
});

export const emptyRule = (version: string): RuleDraft => ({
  key: rowKey("rule"),
  description: "",
  conditions: [emptyCondition()],
  serves: "version",
  version,
  weights: {},
});

/** Moves the rule at `index` one place up (-1) or down (+1), the others keeping their order. */
export function moveRule(rules: RuleDraft[], index: number, by: -1 | 1): RuleDraft[] {
  const to = index + by;
  if (to < 0 || to >= rules.length) return rules;
  const moved = [...rules];
  const [rule] = moved.splice(index, 1);
  if (rule) moved.splice(to, 0, rule);
  return moved;
}

/** A condition as the API takes it: the value read as the operator needs it. */
export function conditionOf(draft: ConditionDraft): Record<string, unknown> {
  const attribute = draft.attribute.trim();
  const text = draft.value.trim();
  const key = valueKey(draft.op);
  const value =
    key === "values"
      ? text
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== "")
      : key === "pattern"
        ? draft.value
        : key === "percent" || ["gt", "gte", "lt", "lte"].includes(draft.op)
          ? numberOf(text)
          : text;
  return { attribute, op: draft.op, [key]: value };
}

/**
 * A rule as the API takes it, over the rollout's versions (candidates first, control last), or
 * the problem with its shares, keyed by the form's field.
 */
export function ruleOf(
  draft: RuleDraft,
  versions: { candidates: number[]; control: number },
): { rule: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let variants: Array<{ version: number; weight: number }>;
  if (draft.serves === "version") {
    variants = [{ version: Number(draft.version), weight: 10_000 }];
  } else {
    variants = [];
    for (const version of versions.candidates) {
      const weight = basisPointsOf(draft.weights[String(version)] ?? "0");
      if (typeof weight !== "number") errors[`weights.${version}`] = weight.error;
      else variants.push({ version, weight });
    }
    const given = variants.reduce((sum, v) => sum + v.weight, 0);
    if (given > 10_000) errors.variants = "The candidates' shares add up to more than 100 %.";
    variants.push({ version: versions.control, weight: Math.max(0, 10_000 - given) });
  }
  return {
    rule: {
      ...(draft.description.trim() && { description: draft.description.trim() }),
      conditions: draft.conditions.map(conditionOf),
      variants,
    },
    errors,
  };
}

/** A condition in words: "plan is one of pro, team", "userId in a 10 % of its values". */
export function conditionInWords(condition: RolloutCondition): string {
  const words = operator(condition.op)?.label ?? condition.op;
  switch (condition.op) {
    case "in":
    case "not_in":
      return `${condition.attribute} ${words} ${condition.values.join(", ")}`;
    case "matches":
      return `${condition.attribute} ${words} /${condition.pattern}/`;
    case "percent":
      return `${condition.attribute} in ${condition.percent} % of its values`;
    default:
      return `${condition.attribute} ${words} ${String(condition.value)}`;
  }
}

/** A rule in words: "plan equals pro and region is one of eu → v8 (100 %)". */
export function ruleInWords(rule: TargetingRuleBody): string {
  const when = rule.conditions.map(conditionInWords).join(" and ");
  const serves = rule.variants
    .filter((v) => v.weight > 0)
    .map((v) => `v${v.version} (${percentText(v.weight)})`)
    .join(", ");
  return `${when} → ${serves}`;
}
