/**
 * Sticky assignment: which version of a rollout a caller gets. One algorithm for the server, the
 * gateway and the SDK (a subpath export with no dependencies, so the SDK stays small), specified
 * in docs/rollouts.md and pinned by the test vectors in vectors.json.
 *
 * A unit (a user id by default) is hashed with the rollout's salt into one of 10,000 buckets.
 * Variants own consecutive bucket ranges in the order they are listed, candidates first: the
 * first candidate's range starts at bucket 0, so widening it only adds units to it, and no unit
 * moves between the candidates and control except across the one boundary that moved.
 */

/** Buckets a unit can fall in: weights are in hundredths of a percent (basis points). */
export const BUCKETS = 10_000;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Continues a 32-bit FNV-1a hash over the UTF-8 bytes of `text`, encoding as it goes: a
 * TextEncoder allocates per call, which made hashing 25 times slower than this on the SDK's hot
 * path. A lone surrogate is hashed as U+FFFD, as TextEncoder encodes it.
 */
function fnvUpdate(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      h = Math.imul(h ^ code, FNV_PRIME);
      continue;
    }
    if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code >= 0xd800 && code < 0xe000) code = 0xfffd;
    if (code < 0x800) {
      h = Math.imul(h ^ (0xc0 | (code >> 6)), FNV_PRIME);
    } else if (code < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (code >> 12)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (code >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((code >> 12) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    }
    h = Math.imul(h ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  return h;
}

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  return fnvUpdate(FNV_OFFSET, text) >>> 0;
}

/** MurmurHash3's finaliser: spreads FNV's low-entropy bits across the word. */
function mix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The unit's bucket in [0, 10000) under `salt`: the same inputs give the same bucket anywhere. */
export function bucketOf(salt: string, unit: string): number {
  if (salt !== lastSalt) {
    // The bytes of salt, then a NUL (hashing a 0 byte is one multiplication).
    lastSaltHash = Math.imul(fnvUpdate(FNV_OFFSET, salt), FNV_PRIME);
    lastSalt = salt;
  }
  return mix32(fnvUpdate(lastSaltHash, unit)) % BUCKETS;
}

/** The last salt hashed, and its hash: a running rollout hashes the same salt for every caller. */
let lastSalt = "";
let lastSaltHash = Math.imul(FNV_OFFSET, FNV_PRIME);

export interface WeightedVariant<T> {
  value: T;
  /** Basis points: 500 is 5 %. The weights of a split add up to 10,000. */
  weight: number;
}

/**
 * The variant whose range holds `bucket`: ranges are laid end to end from 0 in list order. A
 * bucket past the last range (weights adding up to less than 10,000) falls to the last variant.
 */
export function pickByBucket<T>(variants: ReadonlyArray<WeightedVariant<T>>, bucket: number): T {
  if (variants.length === 0) throw new RangeError("a split needs at least one variant");
  let end = 0;
  for (const variant of variants) {
    end += variant.weight;
    if (bucket < end) return variant.value;
  }
  return (variants[variants.length - 1] as WeightedVariant<T>).value;
}

/** A caller's attributes, as sent with a request or given to the SDK. */
export type AssignmentContext = Readonly<Record<string, unknown>>;

/** One condition of a targeting rule on a context attribute. */
export type Condition =
  | { attribute: string; op: "equals" | "not_equals"; value: string | number | boolean }
  | { attribute: string; op: "in" | "not_in"; values: ReadonlyArray<string | number> }
  | { attribute: string; op: "gt" | "gte" | "lt" | "lte"; value: number }
  | {
      attribute: string;
      op: "semver_gt" | "semver_gte" | "semver_lt" | "semver_lte";
      value: string;
    }
  /** The attribute's value matches a regular expression (RE2 syntax, no lookaround). */
  | { attribute: string; op: "matches"; pattern: string }
  /** The attribute's value hashed (with the rule's salt) into the first `percent` of buckets. */
  | { attribute: string; op: "percent"; percent: number };

/**
 * How a `matches` condition is tested. The server and the gateway pass a linear-time engine
 * (RE2), since contexts come from callers; the default, for the SDK, is the platform's RegExp
 * (a rollout is saved only with patterns both engines compile and a backtracking engine runs
 * quickly: see pattern-safety.ts).
 */
export type PatternTest = (pattern: string, text: string) => boolean;

const nativePatterns = new Map<string, RegExp | null>();

/** The platform's RegExp, compiled once per pattern; a pattern it can't compile matches nothing. */
export const nativePatternTest: PatternTest = (pattern, text) => {
  let expression = nativePatterns.get(pattern);
  if (expression === undefined) {
    try {
      expression = new RegExp(pattern, "u");
    } catch {
      expression = null;
    }
    if (nativePatterns.size >= 256) nativePatterns.clear();
    nativePatterns.set(pattern, expression);
  }
  return expression?.test(text) === true;
};

/** Attribute values longer than this are compared by their first this-many characters. */
export const MAX_ATTRIBUTE_LENGTH = 256;

/** `major.minor.patch` as numbers, or undefined for anything else. */
function semverParts(value: unknown): [number, number, number] | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/.exec(value.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compareSemver(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** A number as an attribute carries it: numbers as they are, numeric strings parsed. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const textOf = (value: unknown) =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;

/** A list's values as text, made once per list: rules are assigned by the thousand. */
const valueSets = new WeakMap<ReadonlyArray<string | number>, ReadonlySet<string>>();
function valueSet(values: ReadonlyArray<string | number>): ReadonlySet<string> {
  let set = valueSets.get(values);
  if (!set) {
    set = new Set(values.map(String));
    valueSets.set(values, set);
  }
  return set;
}

/**
 * Whether the context meets the condition. An attribute the context lacks meets only `not_equals`
 * and `not_in` (it is not that value), and never a comparison.
 */
export function meets(
  condition: Condition,
  context: AssignmentContext,
  salt: string,
  test: PatternTest = nativePatternTest,
): boolean {
  const actual = Object.hasOwn(context, condition.attribute)
    ? context[condition.attribute]
    : undefined;
  switch (condition.op) {
    case "equals":
      return textOf(actual) !== undefined && textOf(actual) === String(condition.value);
    case "not_equals":
      return textOf(actual) !== String(condition.value);
    case "in":
    case "not_in": {
      const text = textOf(actual);
      const found = text !== undefined && valueSet(condition.values).has(text);
      return condition.op === "in" ? found : !found;
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const n = numberOf(actual);
      if (n === undefined) return false;
      if (condition.op === "gt") return n > condition.value;
      if (condition.op === "gte") return n >= condition.value;
      if (condition.op === "lt") return n < condition.value;
      return n <= condition.value;
    }
    case "semver_gt":
    case "semver_gte":
    case "semver_lt":
    case "semver_lte": {
      const a = semverParts(actual);
      const b = semverParts(condition.value);
      if (!a || !b) return false;
      const c = compareSemver(a, b);
      if (condition.op === "semver_gt") return c > 0;
      if (condition.op === "semver_gte") return c >= 0;
      if (condition.op === "semver_lt") return c < 0;
      return c <= 0;
    }
    case "matches": {
      const text = textOf(actual);
      return text !== undefined && test(condition.pattern, text.slice(0, MAX_ATTRIBUTE_LENGTH));
    }
    case "percent": {
      const text = textOf(actual);
      if (text === undefined) return false;
      return bucketOf(`${salt}:${condition.attribute}`, text) < condition.percent * 100;
    }
  }
}

/** A targeting rule: when every condition holds, the rule's variants split the caller. */
export interface TargetingRule<T> {
  conditions: ReadonlyArray<Condition>;
  variants: ReadonlyArray<WeightedVariant<T>>;
}

export interface RolloutDefinition<T> {
  /** Fixed when the rollout starts: a new rollout reshuffles, a widened one does not. */
  salt: string;
  /** The context attribute that names the unit; `userId` by default. */
  unit?: string;
  /** Tried in order; the first whose conditions all hold decides. */
  rules: ReadonlyArray<TargetingRule<T>>;
  /** Everyone else. */
  split: ReadonlyArray<WeightedVariant<T>>;
  /** Who has no unit (no user id): served this, unassigned. */
  control: T;
}

export interface Assignment<T> {
  value: T;
  /** The rule that decided (its index), or "split" for everyone else, or "no-unit". */
  by: number | "split" | "no-unit";
  bucket: number | null;
}

/** The version a caller gets: the first matching rule's split, else the rollout's split. */
export function assign<T>(
  rollout: RolloutDefinition<T>,
  context: AssignmentContext,
  test: PatternTest = nativePatternTest,
): Assignment<T> {
  const key = rollout.unit ?? "userId";
  const unit = textOf(Object.hasOwn(context, key) ? context[key] : undefined);
  if (unit === undefined || unit === "") {
    return { value: rollout.control, by: "no-unit", bucket: null };
  }
  const bucket = bucketOf(rollout.salt, unit);
  // Plain loops: the SDK assigns on every call, and iterators and closures allocate each time.
  for (let index = 0; index < rollout.rules.length; index++) {
    const rule = rollout.rules[index] as TargetingRule<T>;
    if (meetsAll(rule.conditions, context, rollout.salt, test)) {
      return { value: pickByBucket(rule.variants, bucket), by: index, bucket };
    }
  }
  return { value: pickByBucket(rollout.split, bucket), by: "split", bucket };
}

function meetsAll(
  conditions: ReadonlyArray<Condition>,
  context: AssignmentContext,
  salt: string,
  test: PatternTest,
): boolean {
  for (const condition of conditions) if (!meets(condition, context, salt, test)) return false;
  return true;
}

/** A rollout as delivered with a prompt: versions for values, weights in basis points. */
export interface VersionRollout {
  salt: string;
  unit: string;
  control: number;
  rules: ReadonlyArray<{
    conditions: ReadonlyArray<Condition>;
    variants: ReadonlyArray<{ version: number; weight: number }>;
  }>;
  split: ReadonlyArray<{ version: number; weight: number }>;
}

export interface VersionAssignment {
  version: number;
  /** `control` for the control version, `candidate` for any other. */
  variant: "control" | "candidate";
  by: Assignment<number>["by"];
}

const byVersion = (variants: VersionRollout["split"]) =>
  variants.map((v) => ({ value: v.version, weight: v.weight }));

/** Which version of a delivered rollout a caller with this context gets, and as which variant. */
export function assignVersion(
  rollout: VersionRollout,
  context: AssignmentContext,
  test: PatternTest = nativePatternTest,
): VersionAssignment {
  const { value, by } = assign(
    {
      salt: rollout.salt,
      unit: rollout.unit,
      control: rollout.control,
      rules: rollout.rules.map((r) => ({
        conditions: r.conditions,
        variants: byVersion(r.variants),
      })),
      split: byVersion(rollout.split),
    },
    context,
    test,
  );
  return { version: value, variant: value === rollout.control ? "control" : "candidate", by };
}
