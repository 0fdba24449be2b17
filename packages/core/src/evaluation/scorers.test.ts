import { describe, expect, it } from "vitest";
import {
  type DeterministicScorerSpec,
  type ScorerSpec,
  deterministicScorerSpecSchema as scorerSpecSchema,
} from "./scorer-spec.js";
import { MAX_PATTERN_INPUT, score, scorerListProblem, scorerProblem } from "./scorers.js";

const spec = (s: unknown) => scorerSpecSchema.parse(s) as DeterministicScorerSpec;

describe("the deterministic scorers", () => {
  it("equals: the given value or the case's expected one, trimmed, optionally ignoring case", () => {
    expect(score(spec({ type: "equals" }), { output: " Paris ", expected: "Paris" })).toEqual({
      score: 1,
      reason: "equals the expected value",
    });
    expect(
      score(spec({ type: "equals", ignoreCase: true }), { output: "PARIS", expected: "paris" }),
    ).toMatchObject({ score: 1 });
    expect(score(spec({ type: "equals" }), { output: "Lyon", expected: "Paris" })).toMatchObject({
      score: 0,
    });
    expect(
      score(spec({ type: "equals" }), { output: '{"a":1}', expected: { a: 1 } }),
    ).toMatchObject({ score: 1 });
    // Nothing to compare with is an error, not a zero.
    expect(score(spec({ type: "equals" }), { output: "Paris" })).toEqual({
      error: "the case has no expected value to compare with",
    });
  });

  it("contains and not-contains, any or all", () => {
    const out = { output: "Refunds take 5 days; see Billing." };
    expect(score(spec({ type: "contains", values: ["refund", "Billing"] }), out)).toMatchObject({
      score: 1,
    });
    expect(
      score(spec({ type: "contains", values: ["refund", "Billing"], mode: "all" }), out),
    ).toMatchObject({ score: 0 });
    expect(
      score(
        spec({ type: "contains", values: ["refund", "Billing"], mode: "all", ignoreCase: true }),
        out,
      ),
    ).toMatchObject({ score: 1 });
    expect(
      score(spec({ type: "not-contains", values: ["sorry", "unfortunately"] }), out),
    ).toMatchObject({ score: 1, reason: "contains none of the values" });
    expect(score(spec({ type: "not-contains", values: ["Billing"] }), out)).toMatchObject({
      score: 0,
    });
    // not-contains "all": fails only when every value is there together.
    expect(
      score(spec({ type: "not-contains", values: ["Billing", "sorry"], mode: "all" }), out),
    ).toMatchObject({ score: 1 });
  });

  it("regex, JSON-valid and JSON Schema, with a bad pattern or schema as an error", () => {
    expect(score(spec({ type: "regex", pattern: "^\\d{4}$" }), { output: "2026" })).toMatchObject({
      score: 1,
    });
    expect(score(spec({ type: "regex", pattern: "(" }), { output: "x" })).toMatchObject({
      error: expect.stringMatching(/not a regular expression/),
    });
    expect(
      score(spec({ type: "regex", pattern: "a" }), { output: "a".repeat(MAX_PATTERN_INPUT + 1) }),
    ).toMatchObject({ error: expect.stringMatching(/longer than/) });
    expect(score(spec({ type: "json-valid" }), { output: '{"ok": true}' })).toMatchObject({
      score: 1,
    });
    expect(score(spec({ type: "json-valid" }), { output: "{ok}" })).toMatchObject({ score: 0 });
    const constraints = {
      jsonSchema: {
        type: "object",
        required: ["answer"],
        properties: { answer: { type: "string" } },
      },
    };
    expect(
      score(spec({ type: "json-schema" }), { output: '{"answer": "yes"}', constraints }),
    ).toMatchObject({ score: 1 });
    expect(score(spec({ type: "json-schema" }), { output: '{"answer": 3}', constraints })).toEqual({
      score: 0,
      reason: "does not meet the JSON Schema: /answer must be string",
    });
    expect(score(spec({ type: "json-schema" }), { output: "{}" })).toMatchObject({
      error: expect.stringMatching(/no JSON Schema/),
    });
    expect(
      score(spec({ type: "json-schema", schema: { type: "nonsense" } }), { output: "{}" }),
    ).toMatchObject({ error: expect.stringMatching(/cannot be used/) });
  });

  it("length bounds and the version's maxLength and pattern constraints, in characters", () => {
    expect(score(spec({ type: "length", min: 2, max: 4 }), { output: "héé" })).toEqual({
      score: 1,
      reason: "3 characters",
    });
    expect(score(spec({ type: "length", max: 2 }), { output: "abc" })).toMatchObject({ score: 0 });
    const constraints = { maxLength: 5, pattern: "^[a-z]+$" };
    expect(score(spec({ type: "constraints" }), { output: "abc", constraints })).toMatchObject({
      score: 1,
    });
    expect(score(spec({ type: "constraints" }), { output: "abcdef", constraints })).toEqual({
      score: 0,
      reason: "6 characters, more than the 5 allowed",
    });
    expect(score(spec({ type: "constraints" }), { output: "ABC", constraints })).toMatchObject({
      score: 0,
    });
    expect(score(spec({ type: "constraints" }), { output: "abc" })).toMatchObject({
      error: expect.any(String),
    });
  });

  it("runs a catastrophic pattern on a long output in linear time (RE2), not for ever", () => {
    // With a backtracking engine, (a+)+b on a few thousand a's and no b never finishes.
    const output = `${"a".repeat(5000)}!`;
    expect(score(spec({ type: "regex", pattern: "(a+)+b" }), { output })).toEqual({
      score: 0,
      reason: "does not match the pattern /(a+)+b/",
    });
    expect(
      score(spec({ type: "constraints" }), { output, constraints: { pattern: "^(a|aa)+$" } }),
    ).toEqual({ score: 0, reason: "does not match the version's pattern" });
    expect(score(spec({ type: "regex", pattern: "(a+)+!" }), { output })).toMatchObject({
      score: 1,
    });
  });

  it("regex flags i, m, s and u, and JavaScript escapes, as RegExp reads them", () => {
    const run = (pattern: string, flags: string | undefined, output: string) =>
      score(spec({ type: "regex", pattern, ...(flags === undefined ? {} : { flags }) }), {
        output,
      });
    expect(run("^paris$", undefined, "Paris")).toMatchObject({ score: 0 });
    expect(run("^paris$", "i", "Paris")).toMatchObject({ score: 1 });
    expect(run("^b$", undefined, "a\nb")).toMatchObject({ score: 0 });
    expect(run("^b$", "m", "a\nb")).toMatchObject({ score: 1 });
    expect(run("a.b", undefined, "a\nb")).toMatchObject({ score: 0 });
    expect(run("a.b", "s", "a\nb")).toMatchObject({ score: 1 });
    expect(run("^.$", "u", "😀")).toMatchObject({ score: 1 });
    expect(run("^\\u0041\\u{1F600}$", "u", "A😀")).toMatchObject({ score: 1 });
    expect(run("^(?<year>\\d{4})-\\d{2}$", undefined, "2026-05")).toMatchObject({ score: 1 });
  });

  it("refuses lookaround and backreferences with an error that says so", () => {
    for (const [pattern, construct] of [
      ["a(?=b)", "the lookahead (?=…)"],
      ["a(?!b)", "the negative lookahead (?!…)"],
      ["(?<=a)b", "the lookbehind (?<=…)"],
      ["(?<!a)b", "the negative lookbehind (?<!…)"],
      ["(a)\\1", "the backreference \\1"],
      ["(?<x>a)\\k<x>", "the named backreference \\k<…>"],
    ]) {
      expect(score(spec({ type: "regex", pattern }), { output: "ab" })).toEqual({
        error: `the pattern /${pattern}/ uses lookaround/backreferences, which scorers do not support: ${construct}`,
      });
    }
    // Escaped or inside a class, the same characters are plain text.
    expect(score(spec({ type: "regex", pattern: "\\(?=" }), { output: "(=" })).toMatchObject({
      score: 1,
    });
    expect(score(spec({ type: "regex", pattern: "^[(?=]+$" }), { output: "=?(" })).toMatchObject({
      score: 1,
    });
    expect(
      score(spec({ type: "constraints" }), { output: "ab", constraints: { pattern: "a(?=b)" } }),
    ).toMatchObject({ error: expect.stringMatching(/^the version's pattern uses lookaround/) });
  });

  it("says up front which scorer cannot score anything, and why", () => {
    expect(scorerProblem(spec({ type: "regex", pattern: "^\\d+$", flags: "m" }))).toBeUndefined();
    expect(scorerProblem(spec({ type: "regex", pattern: "(" }))).toBe(
      "the pattern /(/ is not a regular expression scorers can run: missing closing ): `(`",
    );
    expect(
      scorerProblem(spec({ type: "json-schema", schema: { type: "object" } })),
    ).toBeUndefined();
    expect(scorerProblem(spec({ type: "json-schema", schema: { type: "nonsense" } }))).toMatch(
      /^the JSON Schema cannot be used: /,
    );
    // What depends on the version (its constraints) is only known per output.
    expect(scorerProblem(spec({ type: "constraints" }))).toBeUndefined();
    const judge: ScorerSpec = { type: "judge", prompt: "judges/tone" };
    expect(
      scorerListProblem([judge, spec({ type: "regex", name: "shape", pattern: "a(?<!b)" })]),
    ).toBe(
      "scorers.1 ('shape'): the pattern /a(?<!b)/ uses lookaround/backreferences, which scorers do not support: the negative lookbehind (?<!…)",
    );
    expect(scorerListProblem([judge])).toBeUndefined();
  });

  it("latency and cost limits, with an unknown figure as an error", () => {
    expect(score(spec({ type: "latency", maxMs: 500 }), { output: "", latencyMs: 420 })).toEqual({
      score: 1,
      reason: "420 ms",
    });
    expect(
      score(spec({ type: "latency", maxMs: 500 }), { output: "", latencyMs: 501 }),
    ).toMatchObject({ score: 0 });
    expect(score(spec({ type: "latency", maxMs: 500 }), { output: "" })).toMatchObject({
      error: expect.any(String),
    });
    expect(
      score(spec({ type: "cost", maxUsd: 0.001 }), { output: "", cost: 0.0004 }),
    ).toMatchObject({ score: 1 });
    expect(score(spec({ type: "cost", maxUsd: 0.001 }), { output: "", cost: null })).toMatchObject({
      error: expect.stringMatching(/no price/),
    });
  });

  it("similarity: one minus the Levenshtein distance over the longer length", () => {
    // kitten → sitting: 3 edits over 7 characters, the textbook example.
    expect(
      score(spec({ type: "similarity", value: "sitting" }), { output: "kitten" }),
    ).toMatchObject({ score: 1 - 3 / 7 });
    expect(score(spec({ type: "similarity" }), { output: "same", expected: "same" })).toMatchObject(
      { score: 1 },
    );
    expect(score(spec({ type: "similarity" }), { output: "", expected: "" })).toMatchObject({
      score: 1,
    });
    expect(
      score(spec({ type: "similarity" }), { output: "x".repeat(20_001), expected: "x" }),
    ).toMatchObject({ error: expect.stringMatching(/too long/) });
  });

  it("refuses a scorer spec that cannot be run, before any run starts", () => {
    expect(scorerSpecSchema.safeParse({ type: "bleu" }).success).toBe(false);
    expect(scorerSpecSchema.safeParse({ type: "contains", values: [] }).success).toBe(false);
    expect(scorerSpecSchema.safeParse({ type: "regex", pattern: "a", flags: "g" }).success).toBe(
      false,
    );
  });
});
