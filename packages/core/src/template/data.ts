import Mustache from "mustache";

/*
 * What a template may read. Variables are JSON data: strings, numbers, booleans, null, arrays and
 * plain objects. Mustache itself follows any name `in` a value, inherited ones included, and calls
 * any function it finds there, so `{{#m}}{{pop}}{{/m}}` ran Array.prototype.pop on a published
 * version's default and `{{#m}}{{sort}}{{/m}}` sorted a caller's array. Here a lookup reads only a
 * value's own data properties, and nothing a template names is ever called.
 */

const MISSING = Symbol("missing");

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Plain objects and arrays, the only objects JSON makes: what may be looked into or frozen. */
function isData(value: unknown): value is object {
  return (
    typeof value === "object" && value !== null && (Array.isArray(value) || isPlainObject(value))
  );
}

/**
 * `holder`'s own data property `key`: never inherited, never a getter, never a function. A
 * string's own data is its `length` and its characters (`{{name.length}}`, `{{name.0}}`), an
 * array's its items and its `length`; numbers and booleans have none.
 */
function ownData(holder: unknown, key: string): unknown {
  if (typeof holder === "object" ? !isData(holder) : typeof holder !== "string") return MISSING;
  const property = Object.getOwnPropertyDescriptor(holder, key);
  if (property === undefined || !("value" in property)) return MISSING;
  return typeof property.value === "function" ? MISSING : property.value;
}

/**
 * Mustache's context with lookups that only read data. It keeps Mustache's rules otherwise: a
 * name climbs the section contexts until one has it; a plain name is looked up only in an object
 * (so `{{#s}}{{length}}{{/s}}` over a string climbs on, as in Mustache); a dotted name walks its
 * parts from each context in turn, and any value may start it.
 */
export class DataContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new DataContext(view, this);
  }

  override lookup(name: string): unknown {
    if (name === ".") return typeof this.view === "function" ? undefined : this.view;
    const parts = name.indexOf(".") > 0 ? name.split(".") : undefined;
    for (let context: Mustache.Context | undefined = this; context; context = context.parent) {
      let value: unknown = MISSING;
      if (parts === undefined) {
        if (typeof context.view === "object") value = ownData(context.view, name);
      } else {
        value = context.view;
        for (const part of parts) {
          value = ownData(value, part);
          if (value === MISSING) break;
        }
      }
      if (value !== MISSING) return value;
    }
    return undefined;
  }
}

/**
 * A value as Mustache writes it — `String(value)` for JSON data — without calling anything in it:
 * an array is its items joined by commas (null items as nothing), any other object is
 * `[object Object]`, and an own `toString` in the data is data, not a method to run.
 */
export function textOf(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);
  if (!Array.isArray(value)) return "[object Object]";
  const items: string[] = [];
  for (const item of value as unknown[])
    items.push(item === null || item === undefined ? "" : textOf(item));
  return items.join(",");
}

/** Values already frozen all the way down, so a value shared by every compile is walked once. */
const frozen = new WeakSet<object>();

/**
 * Freezes a JSON value and everything in it. A schema's defaults belong to a published version
 * and are shared by every compile of it: frozen, no path can change what a later compile sees.
 */
export function freezeData<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!isData(next) || frozen.has(next)) continue;
    Object.freeze(next);
    frozen.add(next);
    for (const item of Object.values(next)) pending.push(item);
  }
  return value;
}
