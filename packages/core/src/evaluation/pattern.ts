/**
 * The one place the server runs a user's regular expression (a `regex` scorer's pattern, a
 * version's constraints.pattern) against text: with RE2 (re2js), whose matching time is linear
 * in the input, never with JavaScript's backtracking RegExp. A pattern like `(a+)+b` against a
 * few dozen `a`s takes RegExp hours; online evaluation runs scorers on production outputs, so
 * anyone who can make the model answer could otherwise stall the server.
 *
 * Patterns are written in JavaScript syntax (what the web's form validates); they are translated
 * to RE2's (`\u0041`, `\u{1F600}`, `(?<name>…)`). RE2 has no lookaround and no backreferences:
 * such a pattern is refused with a message saying so. Server-only (imported through
 * `@promptline/core/scorers`); the browser checks syntax with RegExp while the user types.
 */
import { RE2JS } from "re2js";

/** The JavaScript flags a pattern may carry. `u` is accepted: RE2 always matches code points. */
const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0,
};

/** A compiled pattern, or why it cannot be run. */
export type CompiledPattern = { test(text: string): boolean } | { error: string };

/**
 * The constructs RE2 cannot run in linear time, found by a scan of the JavaScript syntax
 * (escapes and character classes skipped), so the refusal names them rather than RE2's parse
 * error about `(?=` or `\1`.
 */
function unsupportedConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === "k" && pattern[i + 2] === "<")
        return "the named backreference \\k<…>";
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
    } else if (ch === "(" && pattern[i + 1] === "?") {
      const head = pattern.slice(i + 2, i + 4);
      if (head.startsWith("=")) return "the lookahead (?=…)";
      if (head.startsWith("!")) return "the negative lookahead (?!…)";
      if (head === "<=") return "the lookbehind (?<=…)";
      if (head === "<!") return "the negative lookbehind (?<!…)";
    }
  }
  return undefined;
}

const compiled = new Map<string, CompiledPattern>();

/**
 * A pattern compiled for linear-time matching (cached: a run scores every case with the same
 * pattern), or an error that says what is wrong with it. `what` names the pattern in the error,
 * e.g. "the pattern /x/" or "the version's pattern".
 */
export function compilePattern(pattern: string, flags: string, what: string): CompiledPattern {
  const key = `${what}\u0000${flags}\u0000${pattern}`;
  const known = compiled.get(key);
  if (known) return known;
  const result = compileUncached(pattern, flags, what);
  if (compiled.size >= 256) compiled.clear();
  compiled.set(key, result);
  return result;
}

function compileUncached(pattern: string, flags: string, what: string): CompiledPattern {
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAG_BITS[flag];
    if (bit === undefined) return { error: `${what} has the flag '${flag}': use i, m, s or u` };
    bits |= bit;
  }
  const unsupported = unsupportedConstruct(pattern);
  if (unsupported) {
    return {
      error: `${what} uses lookaround/backreferences, which scorers do not support: ${unsupported}`,
    };
  }
  try {
    const expression = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
    return { test: (text) => expression.test(text) };
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, "");
    return { error: `${what} is not a regular expression scorers can run: ${message}` };
  }
}

/** Why a pattern cannot be run, or undefined when it can: for checking a scorer up front. */
export function patternProblem(pattern: string, flags: string, what: string): string | undefined {
  const result = compilePattern(pattern, flags, what);
  return "error" in result ? result.error : undefined;
}
