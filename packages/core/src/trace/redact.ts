/**
 * Redaction of personal data and secrets from what traces store. It runs before anything is
 * written, on every string inside a trace's input, output and metadata.
 */

export interface RedactionRule {
  name: string;
  pattern: RegExp;
}

/** The built-in detectors, each replaced by `[REDACTED:<name>]`. */
export const BUILT_IN_REDACTIONS: readonly RedactionRule[] = [
  { name: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  // Keys look like a known prefix followed by a long token: sk-…, sk-ant-…, pl_…, ghp_…, AKIA…
  {
    name: "api_key",
    pattern:
      /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|pl_[A-Za-z0-9_-]{16,}|sk-lf-[A-Za-z0-9-]{8,}|gh[pousr]_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})\b/g,
  },
  // 13-19 digits with optional single spaces or dashes: card numbers, checked by Luhn below.
  { name: "card", pattern: /\b\d(?:[ -]?\d){12,18}\b/g },
  // International or North American numbers with at least 9 digits, with common separators.
  {
    name: "phone",
    pattern:
      /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){2,4}(?![\w])/g,
  },
];

function luhnValid(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, "");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

export type Redactor = (value: unknown) => unknown;

/**
 * Builds a redactor from the built-in detectors named in `builtIns` and extra patterns. Values
 * that hold no string come back as they are; others come back as copies (inputs never change).
 */
export function createRedactor(
  builtIns: readonly string[],
  extra: readonly RedactionRule[] = [],
): Redactor {
  const rules = [...BUILT_IN_REDACTIONS.filter((r) => builtIns.includes(r.name)), ...extra];
  const redactString = (text: string): string => {
    let out = text;
    for (const rule of rules) {
      out = out.replace(rule.pattern, (match) => {
        if (rule.name === "card" && !luhnValid(match)) return match;
        if (rule.name === "phone" && digitCount(match) < 9) return match;
        return `[REDACTED:${rule.name}]`;
      });
    }
    return out;
  };
  // Deeper than this, a value is replaced rather than walked: nothing unredacted gets through,
  // and a pathological nesting cannot exhaust the stack.
  const MAX_DEPTH = 256;
  const walk = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return redactString(value);
    if (value === null || typeof value !== "object") return value;
    if (depth >= MAX_DEPTH) return "[REDACTED:nested_too_deeply]";
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) copy[key] = walk(v, depth + 1);
    return copy;
  };
  return rules.length === 0 ? (value) => value : (value) => walk(value);
}

/** Parses a user's pattern (`name=regex` or a bare regex), refusing ones that do not compile. */
export function parseRedactionRule(spec: string, index: number): RedactionRule {
  const eq = spec.indexOf("=");
  const named = eq > 0 && /^[a-z][a-z0-9_]*$/.test(spec.slice(0, eq));
  const name = named ? spec.slice(0, eq) : `custom${index + 1}`;
  const source = named ? spec.slice(eq + 1) : spec;
  try {
    return { name, pattern: new RegExp(source, "g") };
  } catch (error) {
    throw new Error(`'${source}' is not a valid regular expression (${(error as Error).message})`);
  }
}
