import { Invalid } from "../errors/index.js";

/**
 * How deeply arrays and objects may nest in anything a client sends. Content hashing, diffs and
 * schema validation walk values recursively, so an unbounded depth turns one request into a stack
 * overflow; 64 is far beyond any prompt config or trace attribute seen in practice.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether JSON text nests arrays/objects more than `max` levels deep (`{}` is one level), found in
 * one linear pass without parsing, so it is safe to run before `JSON.parse` on any body. Brackets
 * inside strings do not count. Malformed text is not judged here; the parser reports it.
 */
export function jsonDepthExceeds(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether an already-built value nests arrays/objects more than `max` levels deep, measured like
 * `jsonDepthExceeds`. For values that never were JSON text (protobuf-decoded attributes, parsed
 * YAML). Iterative, so the check itself cannot overflow the stack it protects.
 */
export function valueDepthExceeds(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [current, depth] = entry;
    if (current === null || typeof current !== "object") continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return false;
}

/** The error for a value past the limit; `what` names it for the user ("request body", "config"). */
export function tooDeeplyNested(what: string, max: number = MAX_JSON_DEPTH): Invalid {
  return new Invalid(
    `${what} is nested more than ${max} levels deep; flatten it to at most ${max} levels of arrays and objects`,
    { maxDepth: max },
  );
}

/** Throws `tooDeeplyNested(what)` when `value` nests past the limit. */
export function assertJsonDepth(value: unknown, what: string, max: number = MAX_JSON_DEPTH): void {
  if (valueDepthExceeds(value, max)) throw tooDeeplyNested(what, max);
}
