/**
 * Exports a revision's cases as a file that imports back as the same cases, streamed a page at a
 * time as the client reads it, so a large dataset is never held whole. CSV reads the revision
 * twice: once for the union of its variables (the columns), once for the rows.
 */
import {
  caseToCsvLine,
  caseToJsonLine,
  csvHeader,
  type ExportQuery,
  Invalid,
  type Principal,
} from "@promptline/core";
import type { ServiceContext } from "../context.js";
import type { DatasetCaseRow, DatasetRow } from "../storage/database.js";
import type { DatasetRegistry } from "./registry.js";
import { listCasesAt } from "./store.js";

/** Cases read per page. */
const PAGE = 500;
/** Most variable columns a CSV export has; a dataset with more exports as JSONL. */
const MAX_CSV_COLUMNS = 1000;

export interface CaseFile {
  contentType: string;
  fileName: string;
  revision: number;
  body: ReadableStream<Uint8Array>;
}

export interface DatasetExport {
  exportCases(principal: Principal, name: string, query: ExportQuery): Promise<CaseFile>;
}

/** Every case of a revision, a page at a time. */
async function* casesAt(
  ctx: ServiceContext,
  dataset: DatasetRow,
  revision: number,
): AsyncGenerator<DatasetCaseRow[]> {
  let after: string | undefined;
  for (;;) {
    const page = await listCasesAt(ctx.engine.db, dataset.id, revision, {
      afterCaseId: after,
      limit: PAGE,
    });
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    after = page.at(-1)?.caseId;
  }
}

/** The variables of a revision's cases, in the order they first appear. */
async function variablesOf(
  ctx: ServiceContext,
  dataset: DatasetRow,
  revision: number,
): Promise<string[]> {
  const names = new Set<string>();
  for await (const page of casesAt(ctx, dataset, revision)) {
    for (const row of page) for (const name of Object.keys(row.input.variables)) names.add(name);
    if (names.size > MAX_CSV_COLUMNS) {
      throw new Invalid(
        `the cases of '${dataset.name}' have over ${MAX_CSV_COLUMNS} variables between them, too many columns for CSV: export as JSONL`,
      );
    }
  }
  return [...names];
}

/** A stream of lines: the header (if any), then one per case, pulled as the reader asks. */
function lineStream(
  header: string | undefined,
  pages: AsyncGenerator<DatasetCaseRow[]>,
  line: (row: DatasetCaseRow) => string,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (header !== undefined) controller.enqueue(encoder.encode(`${header}\n`));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((row) => `${line(row)}\n`).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

export function createDatasetExport(ctx: ServiceContext, datasets: DatasetRegistry): DatasetExport {
  return {
    async exportCases(principal, name, query) {
      const dataset = await datasets.requireDataset(principal.projectId, name);
      const revision = datasets.requireRevision(dataset, query.revision);
      const fileName = `${dataset.name.replaceAll("/", "-")}-r${revision}.${query.format}`;
      if (query.format === "jsonl") {
        return {
          contentType: "application/x-ndjson; charset=utf-8",
          fileName,
          revision,
          body: lineStream(undefined, casesAt(ctx, dataset, revision), caseToJsonLine),
        };
      }
      const variables = await variablesOf(ctx, dataset, revision);
      return {
        contentType: "text/csv; charset=utf-8",
        fileName,
        revision,
        body: lineStream(csvHeader(variables), casesAt(ctx, dataset, revision), (row) =>
          caseToCsvLine(variables, row),
        ),
      };
    },
  };
}
