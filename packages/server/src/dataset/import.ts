/**
 * Imports a case file into a dataset as it streams in. Rows are staged in batches (no revision
 * sees them: firstRevision null, pendingImport the import's id), so memory holds one batch, not
 * the file. When the whole file was good, one transaction opens them as the next revision; when
 * any row was bad, the staged rows are deleted and the bad lines reported: nothing is
 * half-imported. Staged rows left by a server that stopped mid-import are deleted later.
 */
import {
  type CaseFileFormat,
  type ImportProblemDetails,
  type ImportQuery,
  type ImportResult,
  Invalid,
  type Principal,
  Unprocessable,
} from "@promptline/core";
import type { ServiceContext } from "../context.js";
import type { NewDatasetCase } from "../storage/database.js";
import { readCaseFile, UnreadableFile } from "./case-file.js";
import type { DatasetRegistry } from "./registry.js";
import { newCaseRow, writeRevision } from "./revision.js";
import {
  CASE_BATCH,
  commitStagedImport,
  deleteAbandonedImports,
  deleteStagedImport,
  insertCaseRows,
} from "./store.js";

/** Bad rows listed in a refused import's details; the rest are only counted. */
const ERRORS_SHOWN = 100;

export interface DatasetImport {
  /** Reads `body` as a case file and makes its cases the dataset's next revision. */
  importCases(
    principal: Principal,
    name: string,
    query: ImportQuery & { contentType?: string | undefined },
    body: ReadableStream<Uint8Array> | null,
  ): Promise<ImportResult>;
  /** Deletes what imports that cannot still be running left staged; returns the rows deleted. */
  removeAbandonedImports(): Promise<number>;
}

export interface DatasetImportOptions {
  /** The longest an import can run (the server's request timeout): older staged rows are left over. */
  maxImportMs: number;
}

/** The format asked for, or the one the Content-Type names (CSV or else JSONL). */
function formatOf(query: {
  format?: CaseFileFormat | undefined;
  contentType?: string | undefined;
}) {
  if (query.format) return query.format;
  return /\bcsv\b/i.test(query.contentType ?? "") ? "csv" : "jsonl";
}

/**
 * The upload as a stream the parser may stop reading early, and a way to read the rest: a
 * client gets its answer only once it has sent everything.
 */
function detachable(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  let ended = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await reader.read();
        if (next.done) {
          ended = true;
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    async drain(): Promise<void> {
      while (!ended) ended = (await reader.read()).done;
    },
  };
}

export function createDatasetImport(
  ctx: ServiceContext,
  datasets: DatasetRegistry,
  options: DatasetImportOptions,
): DatasetImport {
  const { db } = ctx.engine;

  const removeAbandonedImports = () =>
    deleteAbandonedImports(
      db,
      new Date(ctx.clock.now().getTime() - options.maxImportMs).toISOString(),
    );

  /** Stages the file's good rows; returns how many, and the bad ones. */
  async function stage(
    body: ReadableStream<Uint8Array>,
    format: CaseFileFormat,
    row: (write: Parameters<typeof newCaseRow>[2]) => NewDatasetCase,
  ): Promise<{ staged: number; errors: ImportProblemDetails }> {
    const upload = detachable(body);
    const errors: ImportProblemDetails = { errors: [], errorCount: 0 };
    const fail = (line: number, message: string) => {
      if (errors.errors.length < ERRORS_SHOWN) errors.errors.push({ line, message });
      errors.errorCount++;
    };
    let batch: NewDatasetCase[] = [];
    let staged = 0;
    try {
      for await (const read of readCaseFile(upload.stream, format)) {
        if (!read.ok) {
          fail(read.line, read.message);
          batch = [];
          continue;
        }
        // Once a row is bad nothing will be imported: the rest are only checked.
        if (errors.errorCount > 0) continue;
        batch.push(row(read.value));
        staged++;
        if (batch.length >= CASE_BATCH) {
          await insertCaseRows(db, batch);
          batch = [];
        }
      }
    } catch (error) {
      if (!(error instanceof UnreadableFile)) throw error;
      fail(error.line, error.message);
      await upload.drain();
    }
    if (errors.errorCount === 0) await insertCaseRows(db, batch);
    return { staged, errors };
  }

  return {
    removeAbandonedImports,

    async importCases(principal, name, query, body) {
      const dataset = await datasets.requireDataset(principal.projectId, name);
      if (!body) throw new Invalid("send the file as the request body");
      const format = formatOf(query);
      await removeAbandonedImports();
      const importId = ctx.newId();
      const startedAt = ctx.clock.now().toISOString();
      const source = { kind: "import" as const, ref: query.fileName ?? `${format} import` };
      try {
        const { staged, errors } = await stage(body, format, (write) =>
          newCaseRow(ctx, dataset.id, write, source, {
            firstRevision: null,
            pendingImport: importId,
            actor: principal.actor,
            at: startedAt,
          }),
        );
        if (errors.errorCount > 0) {
          const first = errors.errors[0] as { line: number; message: string };
          throw new Unprocessable(
            `${errors.errorCount} bad ${errors.errorCount === 1 ? "row" : "rows"} in the ${format.toUpperCase()} file (line ${first.line}: ${first.message}); nothing was imported`,
            errors,
          );
        }
        if (staged === 0) throw new Invalid(`the ${format.toUpperCase()} file holds no cases`);
        const revision = await writeRevision(ctx, principal, dataset, {
          message: query.message ?? `imported ${staged} cases from ${source.ref}`,
          expectedRevision: query.expectedRevision,
          async apply(trx, next) {
            const added = await commitStagedImport(trx, importId, next);
            return { added, updated: 0, removed: 0 };
          },
        });
        return { revision, imported: revision.added };
      } catch (error) {
        await deleteStagedImport(db, importId);
        throw error;
      }
    },
  };
}
