/**
 * A rollout's targeting rules from a YAML or JSON file: a list of rules in the API's shape
 * (`{description?, conditions, variants}`), or `{rules: [...]}` as the API's start body and a
 * rollout's JSON carry them. A variant's share may be written as `percent` (0–100) instead of the
 * API's `weight` (basis points), and a rule with one variant may leave its share out: that
 * version serves everyone the rule catches.
 */
import { readFileSync } from "node:fs";
import {
  BUCKETS,
  type TargetingRuleBody,
  targetingRuleSchema,
  tooDeeplyNested,
  valueDepthExceeds,
} from "@promptline/core";
import { parse, YAMLParseError } from "yaml";
import { z } from "zod";
import { EXIT, ExplainedError, UsageError } from "../errors.js";

const MAX_RULES = 20;
const rulesSchema = z.array(targetingRuleSchema).max(MAX_RULES, `at most ${MAX_RULES} rules`);

export function readRulesFile(path: string): TargetingRuleBody[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --rules ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    if (error instanceof YAMLParseError && error.code === "RESOURCE_EXHAUSTION") {
      throw new UsageError(`${path}: ${tooDeeplyNested("the rules").message}`);
    }
    throw new UsageError(`${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (valueDepthExceeds(data)) {
    throw new UsageError(`${path}: ${tooDeeplyNested("the rules").message}`);
  }
  return rulesFrom(path, data);
}

/** A mistake, by the rule it is in (-1 for the list itself). */
interface Problem {
  rule: number;
  text: string;
}

/** The rules of a parsed file, in the API's shape, or every mistake with where it is. */
export function rulesFrom(path: string, data: unknown): TargetingRuleBody[] {
  const listed = isObject(data) && "rules" in data ? data.rules : data;
  if (!Array.isArray(listed)) {
    throw new UsageError(
      `${path} is not a list of targeting rules: write a list (or {rules: [...]}) of {conditions, variants}, see 'promptline rollout start --help'`,
    );
  }
  const problems: Problem[] = [];
  const rules = listed.map((rule, i) => withWeights(rule, i, problems));
  const parsed = rulesSchema.safeParse(rules);
  if (parsed.success && problems.length === 0) return parsed.data;
  // A rule whose shares could not be read has its shares' issues said already.
  const unreadShares = new Set(problems.map((p) => p.rule));
  for (const issue of parsed.error?.issues ?? []) {
    const [rule, field] = issue.path;
    const index = typeof rule === "number" ? rule : -1;
    if (field === "variants" && unreadShares.has(index)) continue;
    problems.push({ rule: index, text: `${where(issue.path, listed)}: ${issue.message}` });
  }
  problems.sort((a, b) => a.rule - b.rule);
  throw new ExplainedError(
    `${path} has ${problems.length === 1 ? "a mistake" : `${problems.length} mistakes`}`,
    problems.slice(0, 10).map((p) => `  ✗ ${p.text}`),
    EXIT.usage,
  );
}

/** A rule with each variant's `percent` turned into the API's `weight` (basis points). */
function withWeights(rule: unknown, index: number, problems: Problem[]): unknown {
  if (!isObject(rule) || !Array.isArray(rule.variants)) return rule;
  const lone = rule.variants.length === 1;
  const variants = rule.variants.map((variant: unknown, v: number) => {
    if (!isObject(variant)) return variant;
    const { percent, ...rest } = variant;
    const at = `rule ${index + 1}, variants[${v}]`;
    const problem = (text: string) => {
      problems.push({ rule: index, text });
      return variant;
    };
    if (percent === undefined) {
      return lone && rest.weight === undefined ? { ...rest, weight: BUCKETS } : variant;
    }
    if (rest.weight !== undefined) {
      return problem(`${at}: give percent or weight (basis points), not both`);
    }
    if (typeof percent !== "number" || percent < 0 || percent > 100) {
      return problem(`${at}.percent: a number from 0 to 100, got ${JSON.stringify(percent)}`);
    }
    const weight = percent * 100;
    if (!Number.isInteger(Number(weight.toFixed(6)))) {
      return problem(`${at}.percent: at most two decimals (0.01 % is the finest share)`);
    }
    return { ...rest, weight: Math.round(weight) };
  });
  return { ...rule, variants };
}

/** `rule 2 (beta users), conditions[0].op` for an issue's path. */
function where(path: ReadonlyArray<PropertyKey>, rules: unknown[]): string {
  const [index, ...rest] = path;
  if (typeof index !== "number") return "the list";
  const rule = rules[index];
  const named =
    isObject(rule) && typeof rule.description === "string" ? ` (${rule.description})` : "";
  const tail = rest
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
    .join("")
    .replace(/^\./, "");
  return `rule ${index + 1}${named}${tail ? `, ${tail}` : ""}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
