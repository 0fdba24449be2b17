/**
 * Cases as lines of the two file formats people bring and take away: JSONL (one CaseWrite per
 * line) and CSV (a header, one column per variable plus a few reserved ones). Pure, so the
 * server's streaming import and export and any other reader agree on what a line means, and an
 * exported file imports back as the same cases.
 */
import type { z } from "zod";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json/depth.js";
import { type CaseWrite, caseWriteSchema } from "./api.js";

/** What a line or cell nested past the limit of request bodies is told. */
const TOO_DEEP = `nested more than ${MAX_JSON_DEPTH} levels deep; flatten it to at most ${MAX_JSON_DEPTH} levels of arrays and objects`;

/** CSV columns with a meaning of their own; every other column is a variable. */
export const RESERVED_CSV_COLUMNS = ["expected", "tags", "metadata", "placeholders"] as const;
const RESERVED = new Set<string>(RESERVED_CSV_COLUMNS);

/** A case read from a line, or what is wrong with the line. */
export type ParsedCase = { ok: true; value: CaseWrite } | { ok: false; message: string };

/** The first issues of a failed parse as one sentence naming each field. */
function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "the case"}: ${issue.message}`,
    )
    .join("; ");
}

function validated(candidate: unknown): ParsedCase {
  const parsed = caseWriteSchema.safeParse(candidate);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: issuesText(parsed.error) };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A JSONL line as a case: a CaseWrite object, or for convenience one with top-level `variables`
 * (and `placeholders`) instead of `input`.
 */
export function caseFromJsonLine(line: string): ParsedCase {
  // The same bound as request bodies: a deeper case could not be sent, or stored and read safely.
  if (jsonDepthExceeds(line)) return { ok: false, message: `the line is ${TOO_DEEP}` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `not JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { ok: false, message: "a line must be a JSON object (a case)" };
  if (
    value.input === undefined &&
    (value.variables !== undefined || value.placeholders !== undefined)
  ) {
    const { variables, placeholders, ...rest } = value;
    return validated({
      ...rest,
      input: { variables: variables ?? {}, ...(placeholders !== undefined && { placeholders }) },
    });
  }
  return validated(value);
}

/** Why a CSV header cannot be used, or undefined when it can. */
export function csvHeaderProblem(header: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const [index, column] of header.entries()) {
    if (column.trim() === "") return `column ${index + 1} of the header has no name`;
    if (seen.has(column)) return `the header names column '${column}' twice`;
    seen.add(column);
  }
  return undefined;
}

function jsonCell(column: string, cell: string): { value?: unknown; error?: string } {
  if (jsonDepthExceeds(cell)) return { error: `${column}: ${TOO_DEEP}` };
  try {
    return { value: JSON.parse(cell) };
  } catch {
    return { error: `${column}: not JSON (write a JSON object, e.g. {"source":"support"})` };
  }
}

/**
 * A CSV record as a case: reserved columns `expected` (text), `tags` (comma-separated),
 * `metadata` and `placeholders` (JSON); every other column a string variable. An empty cell
 * leaves its field out.
 */
export function caseFromCsvRecord(
  header: readonly string[],
  record: readonly string[],
): ParsedCase {
  const variables: Record<string, string> = {};
  const candidate: Record<string, unknown> = {};
  let placeholders: unknown;
  for (const [index, column] of header.entries()) {
    const cell = record[index] ?? "";
    if (cell === "") continue;
    if (!RESERVED.has(column)) {
      variables[column] = cell;
    } else if (column === "expected") {
      candidate.expected = cell;
    } else if (column === "tags") {
      candidate.tags = cell
        .split(",")
        .map((tag) => tag.trim())
        .filter((tag) => tag !== "");
    } else {
      const { value, error } = jsonCell(column, cell);
      if (error) return { ok: false, message: error };
      if (column === "metadata") candidate.metadata = value;
      else placeholders = value;
    }
  }
  return validated({
    ...candidate,
    input: { variables, ...(placeholders !== undefined && { placeholders }) },
  });
}

/** A case as a JSONL line (without the newline): what import reads back as the same case. */
export function caseToJsonLine(
  c: CaseWrite | (Omit<CaseWrite, "expected"> & { expected: unknown }),
): string {
  return JSON.stringify({
    input: c.input,
    ...(c.expected !== null && c.expected !== undefined && { expected: c.expected }),
    tags: c.tags,
    metadata: c.metadata,
  });
}

/** A CSV cell: quoted when it holds a delimiter, a quote, a line break or edge spaces. */
export function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const cellText = (value: unknown): string =>
  value === undefined || value === null
    ? ""
    : typeof value === "string"
      ? value
      : JSON.stringify(value);

/** The CSV header for cases with these variables: the variables, then the reserved columns. */
export function csvHeader(variables: readonly string[]): string {
  return [...variables, ...RESERVED_CSV_COLUMNS].map(csvCell).join(",");
}

/**
 * A case as a CSV line (without the line break) under `csvHeader(variables)`. Variables that are
 * not strings are written as JSON (and read back as that text).
 */
export function caseToCsvLine(
  variables: readonly string[],
  c: Omit<CaseWrite, "expected"> & { expected: unknown },
): string {
  const cells = variables.map((name) => cellText(c.input.variables[name]));
  cells.push(
    cellText(c.expected),
    c.tags.join(","),
    Object.keys(c.metadata).length > 0 ? JSON.stringify(c.metadata) : "",
    c.input.placeholders === undefined ? "" : JSON.stringify(c.input.placeholders),
  );
  return cells.map(csvCell).join(",");
}

/**
 * What a model answered, as text to correct: a string as it is, chat messages as their text
 * content joined, anything else as JSON; null when there was no answer.
 */
export function outputText(output: unknown): string | null {
  if (output === null || output === undefined) return null;
  if (typeof output === "string") return output;
  const messages = Array.isArray(output) ? output : [output];
  const texts = messages.map((message) =>
    isObject(message) ? contentText(message.content) : undefined,
  );
  if (texts.every((text) => text !== undefined)) return texts.join("\n");
  return JSON.stringify(output);
}

function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const parts = content.map((part) =>
    isObject(part) && typeof part.text === "string" ? part.text : undefined,
  );
  return parts.every((part) => part !== undefined) ? parts.join("") : undefined;
}
