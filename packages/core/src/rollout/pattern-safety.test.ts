import { describe, expect, it } from "vitest";
import { backtrackingProblem } from "./pattern-safety.js";

const problem = (pattern: string) => backtrackingProblem(pattern, "the pattern");

describe("patterns safe for the SDK's backtracking RegExp", () => {
  it("accepts the patterns targeting rules are written with", () => {
    for (const pattern of [
      "@acme\\.com$",
      "^user-\\d+$",
      "^[a-z]+-\\d+$",
      "^https?://.*\\.acme\\.com$",
      "^(us|eu|ap)-",
      "\\.(de|fr|it|es|nl|be|at|ch)$",
      "^(?:ab)+$",
      "^(?<region>eu|us)-\\d{3}$",
      "^\\p{Lu}\\u{1F600}[\\]\\\\(]x{2}",
    ]) {
      expect(problem(pattern), pattern).toBeUndefined();
    }
  });

  it("refuses a repeated group holding a quantifier or an alternation", () => {
    for (const pattern of ["^(a+)+$", "(a|a)*b", "(\\w|\\d)+x", "((ab)*c)+", "(?:a?b){2,9}"]) {
      expect(problem(pattern), pattern).toMatch(/repeats a group that holds a quantifier/);
    }
  });

  it("refuses patterns with too many ways to match", () => {
    for (const pattern of [
      "a*a*a*$",
      "\\w+\\w+\\w+x",
      `${"a?".repeat(17)}${"a".repeat(17)}`,
      "(a|a)".repeat(17),
    ]) {
      expect(problem(pattern), pattern).toMatch(/too many ways to match/);
    }
  });

  it("refuses RE2 syntax that JavaScript cannot compile, which the SDK would match nothing with", () => {
    for (const pattern of ["(?i)pro", "\\Apro", "[[:alpha:]]+", "\\Qa.b\\E", "(?P<n>a)"]) {
      expect(problem(pattern), pattern).toMatch(/not a JavaScript regular expression/);
    }
  });

  it("every pattern it accepts runs quickly against a hostile 256-character value", () => {
    for (const pattern of [
      "^[a-z]+[a-z]+$",
      "a*a*$",
      "^https?://.*\\.acme\\.com$",
      "(a|a)".repeat(16),
    ]) {
      expect(problem(pattern), pattern).toBeUndefined();
      const expression = new RegExp(pattern, "u");
      for (const text of [`${"a".repeat(255)}!`, "https://".repeat(32)]) expression.test(text);
    }
  });
});
