/**
 * OTLP attributes as plain values, and the reading of a span's attributes into typed fields:
 * shared by the request walker (decode.ts) and the GenAI convention mapping (genai.ts).
 */
import { jsonDepthExceeds, MAX_JSON_DEPTH, tooDeeplyNested } from "@promptline/core";
import { isLongBits, longBitsToBigInt } from "./proto.js";

export type Attributes = Map<string, unknown>;
/** Which member of an AnyValue is set: JSON and protobuf say it differently. */
export type AnyValueKind = (value: Record<string, unknown>) => string | undefined;

export const DIGITS = /^\d{1,20}$/;

/** Collects why a span cannot be stored, each reason naming the span and the field to fix. */
export class SpanProblems {
  readonly reasons: string[] = [];
  constructor(private readonly index: number) {}
  add(message: string): void {
    this.reasons.push(`span ${this.index}: ${message}`);
  }
}

/** `depth`: how many arrays and kvlists the list sits in (0 for a span's own attributes). */
export function readAttributes(list: unknown, kindOf: AnyValueKind, depth = 0): Attributes {
  const attributes: Attributes = new Map();
  if (!Array.isArray(list)) return attributes;
  for (const entry of list) {
    // A KeyValue without a key cannot be addressed by anything downstream.
    if (isRecord(entry) && typeof entry.key === "string") {
      attributes.set(entry.key, readAnyValue(entry.value, kindOf, depth));
    }
  }
  return attributes;
}

/**
 * An AnyValue as plain JSON-safe data: 64-bit integers past 2^53 stay strings, bytes base64.
 * Arrays and kvlists nest at most MAX_JSON_DEPTH deep: the walk recurses, and what is stored
 * is walked again later.
 */
function readAnyValue(value: unknown, kindOf: AnyValueKind, depth: number): unknown {
  if (!isRecord(value)) return undefined;
  const kind = kindOf(value);
  if ((kind === "arrayValue" || kind === "kvlistValue") && depth >= MAX_JSON_DEPTH) {
    throw tooDeeplyNested("an attribute value");
  }
  switch (kind) {
    case "stringValue":
      return value.stringValue;
    case "boolValue":
      return value.boolValue;
    case "intValue":
      return readInt64(value.intValue);
    case "doubleValue":
      return readDouble(value.doubleValue);
    case "arrayValue":
      return listOf(asRecord(value.arrayValue)?.values).map((item) =>
        readAnyValue(item, kindOf, depth + 1),
      );
    case "kvlistValue":
      return Object.fromEntries(
        readAttributes(asRecord(value.kvlistValue)?.values, kindOf, depth + 1),
      );
    case "bytesValue":
      return value.bytesValue instanceof Uint8Array
        ? bufferOf(value.bytesValue).toString("base64")
        : value.bytesValue;
    default:
      return undefined;
  }
}

function readInt64(value: unknown): unknown {
  if (isLongBits(value)) {
    const exact = longBitsToBigInt(value);
    const asNumber = Number(exact);
    return Number.isSafeInteger(asNumber) ? asNumber : exact.toString();
  }
  if (typeof value === "string") {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value;
  }
  return value;
}

/** OTLP/JSON spells NaN and the infinities as strings; JSON cannot hold them as numbers. */
function readDouble(value: unknown): unknown {
  const asNumber = typeof value === "string" ? Number(value) : value;
  return typeof asNumber === "number" && Number.isFinite(asNumber) ? asNumber : String(value);
}

/** OTLP/JSON may send an enum as its number or its name. */
export function readEnum(value: unknown, names: readonly string[]): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const index = names.indexOf(value);
  return index >= 0 ? index : undefined;
}

/**
 * A span's attributes with the resource's as service-level defaults. Reading a field consumes
 * its keys (every alias), so whatever is left over goes to metadata as-is.
 */
export class SpanAttributes {
  constructor(
    private readonly own: Attributes,
    private readonly resource: Attributes,
    private readonly problems: SpanProblems,
  ) {}

  /** The first of `keys` the span sets, else the first the resource sets. */
  take(keys: readonly string[]): { key: string; value: unknown } | undefined {
    let found: { key: string; value: unknown } | undefined;
    for (const key of keys) {
      const value = this.own.get(key);
      if (value === undefined) continue;
      this.own.delete(key);
      found ??= { key, value };
    }
    if (found) return found;
    for (const key of keys) {
      const value = this.resource.get(key);
      if (value !== undefined) return { key, value };
    }
    return undefined;
  }

  text(keys: readonly string[]): string | undefined {
    const found = this.take(keys);
    if (!found || found.value === "") return undefined;
    // Ids are often numbers in the sender's code; their text is what users search for.
    if (typeof found.value === "number" || typeof found.value === "boolean") {
      return String(found.value);
    }
    if (typeof found.value === "string") return found.value;
    this.problems.add(`${found.key} must be a string (got ${describe(found.value)})`);
    return undefined;
  }

  /** A token count. */
  count(keys: readonly string[]): number | undefined {
    return this.number(keys, "a non-negative integer", (n) => Number.isSafeInteger(n) && n >= 0);
  }

  /** A version number. */
  positiveInteger(keys: readonly string[]): number | undefined {
    return this.number(keys, "a positive integer", (n) => Number.isSafeInteger(n) && n > 0);
  }

  /** A cost or a duration. */
  amount(keys: readonly string[]): number | undefined {
    return this.number(keys, "a non-negative number", (n) => Number.isFinite(n) && n >= 0);
  }

  /** A JSON document sent as a string (or already structured, as an OTLP array or kvlist). */
  json(key: string): unknown {
    const found = this.take([key]);
    if (typeof found?.value !== "string") return found?.value;
    if (jsonDepthExceeds(found.value)) {
      this.problems.add(
        `${key} holds JSON nested more than ${MAX_JSON_DEPTH} levels deep; flatten it`,
      );
      return undefined;
    }
    try {
      return JSON.parse(found.value);
    } catch (error) {
      this.problems.add(`${key} is not valid JSON (${(error as Error).message})`);
      return undefined;
    }
  }

  /** OpenLLMetry's flattened messages: `gen_ai.prompt.0.role`, `gen_ai.prompt.0.content`, … */
  indexed(prefix: string): Record<string, unknown>[] | undefined {
    const byPosition = new Map<number, Record<string, unknown>>();
    for (const [key, value] of this.own) {
      if (!key.startsWith(prefix)) continue;
      const dot = key.indexOf(".", prefix.length);
      const position = key.slice(prefix.length, dot);
      if (dot < 0 || !DIGITS.test(position)) continue;
      const message = byPosition.get(Number(position)) ?? {};
      message[key.slice(dot + 1)] = value;
      byPosition.set(Number(position), message);
      this.own.delete(key);
    }
    if (byPosition.size === 0) return undefined;
    return [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, message]) => message);
  }

  /** Fills in keys the span lacks from another source (an event that carries them instead). */
  adopt(source: Attributes, keys: readonly string[]): void {
    for (const key of keys) {
      const value = source.get(key);
      if (value !== undefined && !this.own.has(key)) this.own.set(key, value);
    }
  }

  /** Every span attribute no field consumed. */
  remaining(): Record<string, unknown> {
    const remaining: Record<string, unknown> = {};
    for (const [key, value] of this.own) {
      if (value !== undefined) remaining[key] = value;
    }
    return remaining;
  }

  private number(
    keys: readonly string[],
    expected: string,
    isValid: (value: number) => boolean,
  ): number | undefined {
    const found = this.take(keys);
    if (!found) return undefined;
    const value =
      typeof found.value === "string" && found.value.trim() !== ""
        ? Number(found.value)
        : found.value;
    if (typeof value === "number" && isValid(value)) return value;
    this.problems.add(`${found.key} must be ${expected} (got ${describe(found.value)})`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A value as it would appear in the request, short enough for an error message. */
export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
