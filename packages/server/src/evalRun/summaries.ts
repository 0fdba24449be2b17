/** A run's summary from its stored results, read a page at a time without the outputs. */
import { type RunSummary, type SummaryResult, summariseRun } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database, EvalRunRow } from "../storage/database.js";
import { scorerNamesOf } from "./results.js";
import { summaryRows } from "./store.js";

const PAGE = 5000;

export async function computeSummary(db: Kysely<Database>, run: EvalRunRow): Promise<RunSummary> {
  const results: SummaryResult[] = [];
  let after: { variant: number; caseRowId: string } | undefined;
  // At most total/PAGE + 1 reads: every page moves `after` forward or ends the loop.
  for (let read = 0; read <= run.totalItems / PAGE + 1; read++) {
    const page = await summaryRows(db, run.id, { after, limit: PAGE });
    for (const row of page) results.push(row);
    const last = page.at(-1);
    if (!last || page.length < PAGE) break;
    after = { variant: last.variant, caseRowId: last.caseRowId };
  }
  return summariseRun(run.variants, scorerNamesOf(run, results), results);
}
