/**
 * The deterministic scorers: each turns one output (with the case's expected value, the call's
 * latency and cost, and the version's output constraints) into a score in [0, 1] (pass/fail is
 * 1/0) with a reason, or into an error when it cannot judge (no expected value, a pattern that
 * is not a regular expression). An error is recorded as such, never as a zero. Patterns run
 * with RE2 (pattern.ts): linear time whatever the pattern, so a user's pattern cannot stall us.
 *
 * Not part of the package's main entry: it brings a JSON Schema validator (ajv) the browser
 * does not need. The server imports it as `@promptline/core/scorers`.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { distance } from "fastest-levenshtein";
import type { OutputConstraints } from "../prompt/content.js";
import { compilePattern, patternProblem } from "./pattern.js";
import { type DeterministicScorerSpec, type ScorerSpec, scorerName } from "./scorer-spec.js";

export { compilePattern, patternProblem } from "./pattern.js";

/**
 * The longest output a pattern is run against: matching is linear (RE2, see pattern.ts), but a
 * linear cost per case still adds up over a run or a stream of production outputs.
 */
export const MAX_PATTERN_INPUT = 100_000;
/** The longest text compared for similarity: the edit distance's time grows with both lengths. */
export const MAX_SIMILARITY_INPUT = 20_000;

/** What a scorer looks at. */
export interface Scored {
  output: string;
  /** The case's reference output or JSON, if it has one. */
  expected?: unknown;
  latencyMs?: number | null;
  /** USD; null when the model has no price. */
  cost?: number | null;
  /** The version's output constraints. */
  constraints?: OutputConstraints | undefined;
}

export type ScoreResult = { score: number; reason: string } | { error: string };

const pass = (ok: boolean, reason: string): ScoreResult => ({ score: ok ? 1 : 0, reason });

/** The expected value as text: a string as it is, anything else as JSON. */
function expectedText(expected: unknown): string | undefined {
  if (expected === undefined || expected === null) return undefined;
  return typeof expected === "string" ? expected : JSON.stringify(expected);
}

const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ allErrors: false, strict: false });

/** A JSON Schema's validator, compiled once per schema. */
function validatorOf(schema: Record<string, unknown>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  const known = validators.get(key);
  if (known) return known;
  try {
    const compiled = ajv.compile(schema);
    if (validators.size >= 256) validators.clear();
    validators.set(key, compiled);
    return compiled;
  } catch (error) {
    return `the JSON Schema cannot be used: ${(error as Error).message}`;
  }
}

function parsedJson(output: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(output) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function runPattern(pattern: string, flags: string, output: string, what: string): ScoreResult {
  const expression = compilePattern(pattern, flags, what);
  if ("error" in expression) return { error: expression.error };
  if (output.length > MAX_PATTERN_INPUT) {
    return {
      error: `the output is longer than ${MAX_PATTERN_INPUT} characters: ${what} is not run on it`,
    };
  }
  const found = expression.test(output);
  return pass(found, found ? `matches ${what}` : `does not match ${what}`);
}

/**
 * Why a scorer cannot score anything (a pattern RE2 cannot run, a JSON Schema ajv cannot
 * compile), or undefined: checked when a run or an online-evaluation rule is created, so the
 * mistake is a 400 then rather than an error on every case later. What depends on the version
 * (its constraints) is not known here and is reported per output.
 */
export function scorerProblem(spec: ScorerSpec): string | undefined {
  if (spec.type === "regex") {
    return patternProblem(spec.pattern, spec.flags ?? "", `the pattern /${spec.pattern}/`);
  }
  if (spec.type === "json-schema" && spec.schema) {
    const validate = validatorOf(spec.schema);
    return typeof validate === "string" ? validate : undefined;
  }
  return undefined;
}

/** The first scorer of a list that cannot score, as "scorers.N ('name'): why", or undefined. */
export function scorerListProblem(specs: readonly ScorerSpec[]): string | undefined {
  for (const [index, spec] of specs.entries()) {
    const problem = scorerProblem(spec);
    if (problem) return `scorers.${index} ('${scorerName(spec)}'): ${problem}`;
  }
  return undefined;
}

/** One output's score by one deterministic scorer. */
export function score(spec: DeterministicScorerSpec, input: Scored): ScoreResult {
  const { output } = input;
  switch (spec.type) {
    case "equals": {
      const wanted = spec.value ?? expectedText(input.expected);
      if (wanted === undefined) return { error: "the case has no expected value to compare with" };
      const fold = (s: string) => (spec.ignoreCase ? s.trim().toLowerCase() : s.trim());
      const same = fold(output) === fold(wanted);
      return pass(same, same ? "equals the expected value" : "differs from the expected value");
    }
    case "contains":
    case "not-contains": {
      const fold = (s: string) => (spec.ignoreCase ? s.toLowerCase() : s);
      const found = spec.values.filter((v) => fold(output).includes(fold(v)));
      const contains = spec.mode === "all" ? found.length === spec.values.length : found.length > 0;
      const ok = spec.type === "contains" ? contains : !contains;
      return pass(
        ok,
        found.length === 0
          ? "contains none of the values"
          : `contains ${found.map((v) => JSON.stringify(v)).join(", ")}`,
      );
    }
    case "regex":
      return runPattern(spec.pattern, spec.flags ?? "", output, `the pattern /${spec.pattern}/`);
    case "json-valid": {
      const parsed = parsedJson(output);
      return "error" in parsed
        ? pass(false, `not valid JSON: ${parsed.error}`)
        : pass(true, "valid JSON");
    }
    case "json-schema": {
      const schema = spec.schema ?? input.constraints?.jsonSchema;
      if (!schema)
        return { error: "no JSON Schema: name one, or give the version constraints.jsonSchema" };
      const validate = validatorOf(schema);
      if (typeof validate === "string") return { error: validate };
      const parsed = parsedJson(output);
      if ("error" in parsed) return pass(false, `not valid JSON: ${parsed.error}`);
      const ok = validate(parsed.value) as boolean;
      const first = validate.errors?.[0];
      return pass(
        ok,
        ok
          ? "meets the JSON Schema"
          : `does not meet the JSON Schema: ${first?.instancePath || "the value"} ${first?.message ?? ""}`.trim(),
      );
    }
    case "length": {
      const n = [...output].length;
      const ok =
        (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
      return pass(ok, `${n} characters`);
    }
    case "constraints": {
      const { maxLength, pattern } = input.constraints ?? {};
      if (maxLength === undefined && pattern === undefined) {
        return { error: "the version has no maxLength or pattern constraint" };
      }
      const n = [...output].length;
      if (maxLength !== undefined && n > maxLength) {
        return pass(false, `${n} characters, more than the ${maxLength} allowed`);
      }
      return pattern === undefined
        ? pass(true, `${n} characters`)
        : runPattern(pattern, "", output, "the version's pattern");
    }
    case "latency":
      if (input.latencyMs === undefined || input.latencyMs === null) {
        return { error: "the call's latency is not known" };
      }
      return pass(input.latencyMs <= spec.maxMs, `${Math.round(input.latencyMs)} ms`);
    case "cost":
      if (input.cost === undefined || input.cost === null) {
        return { error: "the call's cost is not known: the model has no price" };
      }
      return pass(input.cost <= spec.maxUsd, `$${input.cost.toFixed(6)}`);
    case "similarity": {
      const other = spec.value ?? expectedText(input.expected);
      if (other === undefined) return { error: "the case has no expected value to compare with" };
      const longest = Math.max(output.length, other.length);
      if (longest > MAX_SIMILARITY_INPUT) {
        return { error: `longer than ${MAX_SIMILARITY_INPUT} characters: too long to compare` };
      }
      const similarity = longest === 0 ? 1 : 1 - distance(output, other) / longest;
      return { score: similarity, reason: `${Math.round(similarity * 100)} % alike (Levenshtein)` };
    }
  }
}
