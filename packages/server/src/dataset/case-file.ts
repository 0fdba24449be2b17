/**
 * Reads an uploaded case file (CSV or JSONL) as it streams in, one case at a time with its line
 * number, so a file of any size is never held whole. What each line means is core's
 * (dataset/formats.ts); here is only the streaming and the counting of lines.
 */
import { pipeline, Readable } from "node:stream";
import {
  type CaseFileFormat,
  caseFromCsvRecord,
  caseFromJsonLine,
  csvHeaderProblem,
  type ParsedCase,
} from "@promptline/core";
import { CsvError, parse } from "csv-parse";

/** The longest line (JSONL) or record (CSV) read, in characters: one case, not a whole file. */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

/** A case read from the file, or what is wrong with it, at the line where it starts. */
export type FileRow = ParsedCase & { line: number };

/**
 * A problem after which nothing more of the file can be read as cases (a broken quote, a line
 * too long, no header): reported at its line, the rest of the body left unread.
 */
export class UnreadableFile extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The rows of a case file in the given format. */
export function readCaseFile(
  body: ReadableStream<Uint8Array>,
  format: CaseFileFormat,
): AsyncGenerator<FileRow> {
  return format === "csv" ? csvRows(body) : jsonlRows(body);
}

/** The text lines of a UTF-8 stream, numbered from 1, without their line breaks. */
async function* textLines(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ number: number; text: string }> {
  const decoder = new TextDecoder();
  let pending = "";
  let number = 0;
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n", start)) {
      yield { number: ++number, text: pending.slice(start, end).replace(/\r$/, "") };
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_LINE_CHARS) {
      throw new UnreadableFile(
        number + 1,
        `the line is over ${MAX_LINE_CHARS} characters: is this a JSONL file (one case per line)?`,
      );
    }
  }
  pending += decoder.decode();
  if (pending !== "") yield { number: ++number, text: pending.replace(/\r$/, "") };
}

async function* jsonlRows(body: ReadableStream<Uint8Array>): AsyncGenerator<FileRow> {
  for await (const { number, text } of textLines(body)) {
    // A byte order mark opens some files written on Windows.
    const line = number === 1 ? text.replace(/^\uFEFF/, "") : text;
    if (line.trim() === "") continue;
    yield { line: number, ...caseFromJsonLine(line) };
  }
}

interface CsvRecord {
  record: string[];
  info: { lines: number; empty_lines: number };
}

async function* csvRows(body: ReadableStream<Uint8Array>): AsyncGenerator<FileRow> {
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_LINE_CHARS,
  });
  // A failed upload (over the size limit, cut off) fails the parse with its own error.
  const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  pipeline(source, parser, () => {});
  let header: string[] | undefined;
  let lastLine = 0;
  let lastEmpty = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      // A record starts after the previous one and the empty lines skipped since.
      const line = lastLine + 1 + (info.empty_lines - lastEmpty);
      lastLine = info.lines;
      lastEmpty = info.empty_lines;
      if (!header) {
        const problem = csvHeaderProblem(record);
        if (problem) throw new UnreadableFile(line, `the header row: ${problem}`);
        header = record;
        continue;
      }
      if (record.length !== header.length) {
        yield {
          line,
          ok: false,
          message: `the record has ${record.length} fields, the header ${header.length}`,
        };
        continue;
      }
      yield { line, ...caseFromCsvRecord(header, record) };
    }
  } catch (error) {
    if (error instanceof UnreadableFile) throw error;
    // Every parse error (its codes do not all start with CSV_: INVALID_OPENING_QUOTE) is the file's.
    if (error instanceof CsvError) {
      const at = (error as CsvError & { lines?: number }).lines;
      throw new UnreadableFile(at ?? lastLine + 1, `not CSV: ${error.message}`);
    }
    throw error;
  } finally {
    parser.destroy();
  }
  if (!header)
    throw new UnreadableFile(1, "the file is empty: a CSV file starts with a header row");
}
