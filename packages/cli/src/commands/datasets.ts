import { createReadStream, createWriteStream, statSync } from "node:fs";
import { createRequire } from "node:module";
import { extname } from "node:path";
import { Readable, Writable } from "node:stream";
import { ApiError } from "@promptline/client";
import type { CaseFileFormat, ImportProblemDetails } from "@promptline/core";
import type { Command } from "commander";
import { collect, commandContext, parseNumber, parseVersion } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";
import { traceFilterOf, traceFilterOptions } from "./traces.js";

// cli-progress loads with the first import on a terminal (a CommonJS package: required).
const require = createRequire(import.meta.url);

const FORMATS: Record<string, CaseFileFormat> = {
  ".csv": "csv",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

/** The format asked for, or the one the file's extension names. */
function formatOf(file: string | undefined, given: string | undefined): CaseFileFormat {
  if (given !== undefined) {
    if (given !== "csv" && given !== "jsonl") {
      throw new UsageError(`--format is csv or jsonl, not '${given}'`);
    }
    return given;
  }
  const format = file ? FORMATS[extname(file).toLowerCase()] : undefined;
  if (!format)
    throw new UsageError("give --format csv or --format jsonl (the file's name does not say)");
  return format;
}

/** The file as a stream, counting what is read for the progress bar (drawn on a terminal only). */
function fileStream(io: Io, file: string): { body: ReadableStream<Uint8Array>; done(): void } {
  let total: number;
  try {
    total = statSync(file).size;
  } catch (error) {
    throw new UsageError(`cannot read '${file}': ${(error as Error).message}`);
  }
  const source = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  if (!io.progress) return { body: source, done: () => {} };
  const { SingleBar, Presets }: typeof import("cli-progress") = require("cli-progress");
  const bar = new SingleBar(
    {
      stream: io.progress,
      format: "uploading [{bar}] {percentage}% | {value}/{total} bytes",
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let sent = 0;
  const counted = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sent += chunk.byteLength;
        bar.update(sent);
        controller.enqueue(chunk);
      },
    }),
  );
  return { body: counted, done: () => bar.stop() };
}

/** A refused import's bad rows, one per line, on stderr. */
function printBadRows(io: Io, error: unknown): void {
  if (!(error instanceof ApiError) || error.status !== 422) return;
  const details = error.details as ImportProblemDetails | undefined;
  if (!details?.errors) return;
  for (const bad of details.errors) io.stderr(`line ${bad.line}: ${bad.message}`);
  const more = details.errorCount - details.errors.length;
  if (more > 0) io.stderr(`… and ${more} more bad rows`);
}

export function registerDatasetCommands(program: Command, io: Io): void {
  const datasets = program.command("datasets").description("versioned test cases for evaluations");

  datasets
    .command("list")
    .description("datasets by name")
    .option("--folder <folder>", "only datasets under this folder")
    .option("-s, --search <text>", "text in the name or description")
    .option("--limit <n>", "at most this many", parseNumber("--limit"), 100)
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const page = await ctx.api.datasets.list({
        folder: opts.folder,
        q: opts.search,
        limit: opts.limit,
      });
      emit(io, ctx.json, page, () =>
        table(
          ["name", "revision", "cases", "updated", "description"],
          page.items.map((d) => [
            d.name,
            d.latestRevision,
            d.caseCount,
            d.updatedAt,
            d.description,
          ]),
        ),
      );
    });

  datasets
    .command("create <name>")
    .description("create an empty dataset")
    .option("-d, --description <text>", "what the cases are for", "")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const dataset = await ctx.api.datasets.create({ name, description: opts.description });
      emit(io, ctx.json, dataset, () => `created dataset ${dataset.name}`);
    });

  datasets
    .command("show <name>")
    .description("a dataset and its latest revisions")
    .action(async (name: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const [dataset, revisions] = await Promise.all([
        ctx.api.datasets.get(name),
        ctx.api.datasets.revisions(name, { limit: 10 }),
      ]);
      emit(io, ctx.json, { ...dataset, revisions: revisions.items }, () =>
        [
          `${dataset.name} — revision ${dataset.latestRevision}, ${count(dataset.caseCount, "case")}`,
          ...(dataset.description ? [dataset.description] : []),
          table(
            ["revision", "added", "updated", "removed", "cases", "by", "at", "message"],
            revisions.items.map((r) => [
              r.revision,
              r.added,
              r.updated,
              r.removed,
              r.caseCount,
              r.actor,
              r.createdAt,
              r.message,
            ]),
          ),
        ].join("\n"),
      );
    });

  datasets
    .command("cases <name>")
    .description("a revision's cases (the latest by default)")
    .option("--revision <n>", "the revision to read", parseVersion)
    .option("--tag <tag>", "only cases with this tag")
    .option("--limit <n>", "at most this many", parseNumber("--limit"), 100)
    .option("--after <caseId>", "nextCursor of the previous page")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const page = await ctx.api.datasets.cases(name, {
        revision: opts.revision,
        tag: opts.tag,
        limit: opts.limit,
        after: opts.after,
      });
      const text = (value: unknown) =>
        value === null || value === undefined
          ? null
          : typeof value === "string"
            ? value
            : JSON.stringify(value);
      emit(io, ctx.json, page, () =>
        [
          table(
            ["id", "variables", "expected", "tags", "source"],
            page.items.map((c) => [
              c.id,
              JSON.stringify(c.input.variables),
              text(c.expected),
              c.tags.join(","),
              c.source.kind,
            ]),
          ),
          ...(page.nextCursor ? [`more: --after ${page.nextCursor}`] : []),
        ].join("\n"),
      );
    });

  datasets
    .command("import <name> <file>")
    .description("import a CSV or JSONL file as the next revision (all rows or none)")
    .option("--format <format>", "csv or jsonl (default: from the file's extension)")
    .option("-m, --message <text>", "what the revision is")
    .action(async (name: string, file: string, opts, command: Command) => {
      const format = formatOf(file, opts.format);
      const ctx = await commandContext(command, io);
      const upload = fileStream(io, file);
      let result: Awaited<ReturnType<typeof ctx.api.datasets.import>>;
      try {
        result = await ctx.api.datasets.import(name, upload.body, {
          format,
          message: opts.message,
          fileName: file.split(/[\\/]/).at(-1),
        });
      } catch (error) {
        upload.done();
        printBadRows(io, error);
        throw error;
      }
      upload.done();
      emit(
        io,
        ctx.json,
        result,
        () =>
          `imported ${count(result.imported, "case")} into ${name}: revision ${result.revision.revision}, ${count(result.revision.caseCount, "case")}`,
      );
    });

  datasets
    .command("export <name>")
    .description("write a revision's cases as CSV or JSONL, to standard output or a file")
    .option("--revision <n>", "the revision (default: the latest)", parseVersion)
    .option("--format <format>", "csv or jsonl (default: from --out's extension, else jsonl)")
    .option("-o, --out <file>", "write to this file instead of standard output")
    .action(async (name: string, opts, command: Command) => {
      const format: CaseFileFormat =
        opts.format !== undefined
          ? formatOf(undefined, opts.format)
          : ((opts.out && FORMATS[extname(opts.out).toLowerCase()]) ?? "jsonl");
      const ctx = await commandContext(command, io);
      const file = await ctx.api.datasets.export(name, { format, revision: opts.revision });
      if (opts.out) {
        await file.body.pipeTo(Writable.toWeb(createWriteStream(opts.out)));
        io.stderr(`wrote revision ${file.revision} of ${name} to ${opts.out}`);
        return;
      }
      const decoder = new TextDecoder();
      for await (const chunk of file.body) {
        if (io.write) await io.write(chunk);
        else io.stdout(decoder.decode(chunk, { stream: true }));
      }
    });

  traceFilterOptions(
    datasets
      .command("from-traces <name>")
      .description("turn traces into cases: named ones, or every one matching a filter")
      .option("--trace <id>", "a trace id (repeat for more)", collect),
  )
    .option("--score-name <name>", "only traces with this score (e.g. feedback)")
    .option("--max-score <n>", "…at most this value (0: thumbs-down)", parseNumber("--max-score"))
    .option("--min-score <n>", "…at least this value", parseNumber("--min-score"))
    .option("--limit <n>", "with a filter: at most this many traces", parseNumber("--limit"), 1000)
    .option("--tag <tag>", "a tag for every new case (repeat for more)", collect)
    .option("-m, --message <text>", "what the revision is")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const filter = {
        ...traceFilterOf(opts),
        scoreName: opts.scoreName,
        minScore: opts.minScore,
        maxScore: opts.maxScore,
      };
      const filtered = Object.values(filter).some((value) => value !== undefined);
      if (opts.trace && filtered)
        throw new UsageError("give --trace ids or filter options, not both");
      if (!opts.trace && !filtered)
        throw new UsageError("give --trace ids or filter options (e.g. --prompt)");
      const result = await ctx.api.datasets.fromTraces(name, {
        ...(opts.trace ? { traceIds: opts.trace } : { filter, limit: opts.limit }),
        tags: opts.tag ?? [],
        message: opts.message,
      });
      emit(
        io,
        ctx.json,
        result,
        () =>
          `added ${count(result.added, "case")} from traces to ${name}: revision ${result.revision.revision}, ${count(result.revision.caseCount, "case")}`,
      );
    });
}

/** "1 case", "3 cases". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
