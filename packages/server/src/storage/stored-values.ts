import { promptContentSchema } from "@promptline/core";
import type { Database } from "./database.js";

/**
 * The one NUL policy: every string storage writes has U+0000 replaced by U+FFFD, on both engines
 * (and any lone surrogate, which neither engine can keep as it is).
 * PostgreSQL text cannot hold NUL at all; SQLite could, and would then store what PostgreSQL can
 * not: replacing it on both keeps them alike and keeps any write from failing on it.
 */
export function storedText(text: string): string {
  const withoutNul = text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
  return wellFormed(withoutNul);
}

/**
 * A lone surrogate becomes U+FFFD too: SQLite would write it as bytes that are not UTF-8 (read
 * back as three U+FFFD) where PostgreSQL writes one, and lookups would then differ by engine.
 */
function wellFormed(text: string): string {
  const checked = text as string & { isWellFormed(): boolean; toWellFormed(): string };
  return checked.isWellFormed() ? text : checked.toWellFormed();
}

/** Strings (and arrays of them, as PostgreSQL's array parameters) as storage writes them. */
export function storedParameter(value: unknown): unknown {
  if (typeof value === "string") return storedText(value);
  if (Array.isArray(value)) return value.map(storedParameter);
  return value;
}

/**
 * JSON text with the NUL policy applied to every string in it: NUL is written as the escape
 * `\u0000`, replaced where it follows an even run of backslashes only (an escaped
 * backslash followed by `u0000` is text, not NUL). The API applies it to request bodies, so what
 * a request's answer shows, and what content hashes are taken of, is what storage keeps.
 */
export function storedJsonText(text: string): string {
  return text.includes("\\u0000")
    ? text.replace(/\\\\|\\u0000/g, (sequence) => (sequence === "\\\\" ? sequence : "\uFFFD"))
    : text;
}

/** JSON text of a value, with the NUL policy applied to every string in it. */
function jsonText(value: unknown): string {
  return storedJsonText(JSON.stringify(value));
}

/** How a column's value is stored and read back, where the two differ. */
export interface Codec {
  write(value: unknown): unknown;
  read(stored: unknown): unknown;
}

const nullable =
  (convert: (value: unknown) => unknown) =>
  (value: unknown): unknown =>
    value === null || value === undefined ? null : convert(value);

const json: Codec = {
  write: nullable(jsonText),
  read: nullable((stored) => JSON.parse(stored as string)),
};

/** Prompt content is checked again as it is read, as it was before it was written. */
const content: Codec = {
  write: json.write,
  read: nullable((stored) => promptContentSchema.parse(JSON.parse(stored as string))),
};

/**
 * A trace's payloads come from clients: one nested too deeply to serialise is stored as a note
 * saying so, rather than failing the batch it came in.
 */
const tracePayload: Codec = {
  write: nullable((value) => {
    try {
      return jsonText(value);
    } catch (error) {
      return jsonText(`[not stored: ${(error as Error).message}]`);
    }
  }),
  read: json.read,
};

const boolean: Codec = {
  write: nullable((value) => (value ? 1 : 0)),
  read: nullable((stored) => stored === 1 || stored === true),
};

type Codecs = { [T in keyof Database]?: { [C in keyof Database[T]]?: Codec } };

/** The columns stored in another form than the row type's: the only ones converted. */
const CODECS: Codecs = {
  prompts: { tags: json, tagIndex: json, draft: content },
  promptVersions: { suggestedBump: json, content, variables: json },
  environments: { protected: boolean },
  events: { payload: json },
  traces: { input: tracePayload, output: tracePayload, metadata: tracePayload },
  datasetCases: { input: json, expected: json, tags: json, metadata: json },
  evalRuns: { variants: json, scorers: json, summary: json, customScorers: json },
  evalResults: { output: tracePayload, scores: json },
  gatePolicies: { policy: json },
  onlineEvalRules: { scorers: json },
  rollouts: {
    candidates: json,
    split: json,
    rules: json,
    canary: json,
    guardrails: json,
  },
  rolloutDecisions: { automatic: boolean, checks: json },
  rolloutChecks: { checks: json },
};

const tableCodecs = (table: string): Record<string, Codec> =>
  (Object.hasOwn(CODECS, table) && (CODECS[table as keyof Database] as Record<string, Codec>)) ||
  {};

/** The codec of a table's column, if it has one. */
export function codecOf(table: string, column: string): Codec | undefined {
  const codecs = tableCodecs(table);
  return Object.hasOwn(codecs, column) ? codecs[column] : undefined;
}

/** The columns of a table that have a codec. */
export function codecsOf(table: string): ReadonlyArray<[string, Codec]> {
  return Object.entries(tableCodecs(table));
}

/** A value of a table's column as storage writes it: converted by its codec, NUL replaced. */
export function storedValue(table: string, column: string, value: unknown): unknown {
  const codec = codecOf(table, column);
  return codec ? codec.write(value) : storedParameter(value ?? null);
}

/** A row as storage writes it: its values in the given column order (for bulk inserts). */
export function storedRow<R extends object>(
  table: string,
  columns: ReadonlyArray<readonly [keyof R & string, string]>,
  row: R,
): unknown[] {
  return columns.map(([column]) => storedValue(table, column, row[column]));
}
