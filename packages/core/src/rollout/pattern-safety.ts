/**
 * Whether a targeting rule's `matches` pattern is safe for the SDK, which tests it with the
 * platform's RegExp: a backtracking engine, where `^(a+)+$` against thirty `a`s and a `!` takes
 * seconds and `a*a*a*$` against a 256-character value takes as long. A caller's context comes
 * from its users, so such a pattern would let any user stall the application on every call.
 *
 * The check is conservative and syntactic: a repeated group may hold no quantifier and no
 * alternation (the exponential cases), and the pattern's choices together — 8 for each
 * unbounded quantifier (`*`, `+`, `{n,}`, `{n,m}`, about 256 ways through a value of 256
 * characters), 1 for each `?`, log2(k) for k alternatives — stay within 16, roughly 256² ways
 * through a value. The pattern must also be valid for `new RegExp(pattern, "u")`, so the SDK
 * runs the same pattern the server does rather than one it cannot compile (and matches nothing).
 */

/** The most choices a pattern may make, in bits: about 65,536 ways through a value. */
export const MAX_PATTERN_CHOICE_BITS = 16;
const UNBOUNDED_BITS = 8;

interface Group {
  alternatives: number;
  /** It holds a quantifier or an alternation: repeating it backtracks exponentially. */
  choosy: boolean;
}

/** Where the escape starting at `i` (a backslash) ends: the index of its last character. */
function escapeEnd(pattern: string, i: number): number {
  const next = pattern[i + 1];
  if ((next === "u" || next === "p" || next === "P") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 2);
    return close === -1 ? pattern.length - 1 : close;
  }
  if (next === "u") return i + 5;
  if (next === "x") return i + 3;
  if (next === "c") return i + 2;
  if (next === "k" && pattern[i + 2] === "<") {
    const close = pattern.indexOf(">", i + 2);
    return close === -1 ? pattern.length - 1 : close;
  }
  return i + 1;
}

/** Where the character class starting at `i` ends: the index of its `]`. */
function classEnd(pattern: string, i: number): number {
  for (let j = i + 1; j < pattern.length; j++) {
    if (pattern[j] === "\\") j = escapeEnd(pattern, j);
    else if (pattern[j] === "]") return j;
  }
  return pattern.length - 1;
}

/** The quantifier at `i`, if one starts there: its length and how many times it may repeat. */
function quantifierAt(
  pattern: string,
  i: number,
): { length: number; min: number; max: number } | undefined {
  const ch = pattern[i];
  let q: { length: number; min: number; max: number } | undefined;
  if (ch === "*") q = { length: 1, min: 0, max: Number.POSITIVE_INFINITY };
  else if (ch === "+") q = { length: 1, min: 1, max: Number.POSITIVE_INFINITY };
  else if (ch === "?") q = { length: 1, min: 0, max: 1 };
  else if (ch === "{") {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!match) return undefined;
    const min = Number(match[1]);
    const max =
      match[2] === undefined ? min : match[3] ? Number(match[3]) : Number.POSITIVE_INFINITY;
    q = { length: match[0].length, min, max };
  }
  if (q && pattern[i + q.length] === "?") q.length += 1;
  return q;
}

/**
 * Why the pattern could stall a backtracking engine or is not JavaScript syntax, or undefined
 * when it is safe for both. `what` names the pattern in the message.
 */
export function backtrackingProblem(pattern: string, what: string): string | undefined {
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `${what} is not a JavaScript regular expression, which the SDK runs it as: ${(error as Error).message}`;
  }
  const stack: Group[] = [{ alternatives: 1, choosy: false }];
  let bits = 0;
  /** The atom a quantifier would repeat: a group (and whether it is choosy) or anything else. */
  let atom: { group: boolean; choosy: boolean } | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    const current = stack[stack.length - 1] as Group;
    const q = atom ? quantifierAt(pattern, i) : undefined;
    if (q && atom) {
      if (q.max > 1 && atom.group && atom.choosy) {
        return `${what} repeats a group that holds a quantifier or an alternation (as in (a+)+ or (a|b)*), which the SDK's regular expressions can take hours on: repeat a single character or class instead`;
      }
      if (q.max !== q.min) {
        bits += q.max > 1 ? UNBOUNDED_BITS : 1;
        current.choosy = true;
      }
      i += q.length - 1;
      atom = undefined;
      continue;
    }
    if (ch === "\\") {
      i = escapeEnd(pattern, i);
      atom = { group: false, choosy: false };
    } else if (ch === "[") {
      i = classEnd(pattern, i);
      atom = { group: false, choosy: false };
    } else if (ch === "(") {
      stack.push({ alternatives: 1, choosy: false });
      if (pattern[i + 1] === "?") {
        const named = /^\?<[A-Za-z_$][\w$]*>/.exec(pattern.slice(i + 1));
        i += named ? named[0].length : pattern[i + 2] === "<" ? 3 : 2;
      }
      atom = undefined;
    } else if (ch === ")") {
      const group = stack.pop() as Group;
      bits += Math.log2(group.alternatives);
      const parent = stack[stack.length - 1] as Group;
      if (group.choosy) parent.choosy = true;
      atom = { group: true, choosy: group.choosy };
    } else if (ch === "|") {
      current.alternatives += 1;
      current.choosy = true;
      atom = undefined;
    } else {
      atom = ch === "^" || ch === "$" ? undefined : { group: false, choosy: false };
    }
  }
  bits += Math.log2((stack[0] as Group).alternatives);
  if (bits > MAX_PATTERN_CHOICE_BITS) {
    return `${what} has too many ways to match for the SDK's backtracking regular expressions (more than two of *, + or {n,m}, or many ? and alternatives): simplify it, e.g. anchor it and repeat one class, or use the in, percent or semver operators`;
  }
  return undefined;
}
