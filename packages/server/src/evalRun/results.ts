/**
 * A run's results for screens and reports: case by case in dataset order, every variant's
 * output side by side with the score deltas against the baseline, optionally only the cases
 * that improved or regressed. Each page looks at a bounded number of cases, so a filter that
 * matches little never scans a whole large run in one request.
 */
import {
  baselineVariantOf,
  type CaseOutcome,
  caseDeltas,
  type EvalCaseResult,
  type EvalResultsPage,
  type EvalResultsQuery,
  Invalid,
  scorerName,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { listCasesAt } from "../dataset/store.js";
import type { Database, EvalResultRow, EvalRunRow } from "../storage/database.js";
import { resultsOfCases } from "./store.js";

/** Cases looked at per page at most, whatever the filter. */
const MAX_SCANNED = 5000;
const CASE_PAGE = 500;

/** The scorers a run's results carry: its own, then names only submitted scores use. */
export function scorerNamesOf(
  run: EvalRunRow,
  rows: Iterable<{ scores: readonly { name: string }[] }>,
) {
  const names = run.scorers.map(scorerName);
  const known = new Set(names);
  const extra = new Set<string>();
  for (const row of rows) {
    for (const s of row.scores) if (!known.has(s.name)) extra.add(s.name);
  }
  return [...names, ...[...extra].sort()];
}

function checkQuery(run: EvalRunRow, query: EvalResultsQuery): void {
  if (query.variant !== undefined && query.variant >= run.variants.length) {
    throw new Invalid(
      `query.variant: the run has variants 0 to ${run.variants.length - 1}, not ${query.variant}`,
    );
  }
  if (query.outcome && !run.variants.some((v) => v.role === "baseline")) {
    throw new Invalid("query.outcome: the run has no baseline, so no case improved or regressed");
  }
  if (
    query.variant !== undefined &&
    query.outcome &&
    run.variants[query.variant]?.role !== "candidate"
  ) {
    throw new Invalid(
      "query.outcome: name a candidate variant; the baseline is what it is compared with",
    );
  }
}

/** Whether a case's deltas hold the outcome asked for (on the variant and scorer asked for). */
function matches(item: EvalCaseResult, query: EvalResultsQuery, outcome: CaseOutcome): boolean {
  return item.deltas.some(
    (d) =>
      d.outcome === outcome &&
      (query.variant === undefined || d.variant === query.variant) &&
      (query.scorer === undefined || d.scorer === query.scorer),
  );
}

export async function resultsPage(
  db: Kysely<Database>,
  run: EvalRunRow,
  query: EvalResultsQuery,
): Promise<EvalResultsPage> {
  checkQuery(run, query);
  const { variant } = query;
  // One variant's outputs; with an outcome filter, beside its baseline's.
  const shown = (v: number) =>
    variant === undefined ||
    v === variant ||
    (query.outcome !== undefined && v === baselineVariantOf(run.variants, variant));
  const items: EvalCaseResult[] = [];
  let cursor = query.after;
  let scanned = 0;
  let exhausted = false;
  while (items.length < query.limit && scanned < MAX_SCANNED && !exhausted) {
    const page = await listCasesAt(db, run.datasetId, run.datasetRevision, {
      afterCaseId: cursor,
      limit: Math.min(CASE_PAGE, MAX_SCANNED - scanned),
    });
    exhausted = page.length < Math.min(CASE_PAGE, MAX_SCANNED - scanned);
    const rows = await resultsOfCases(
      db,
      run.id,
      page.map((c) => c.caseId),
    );
    const names = scorerNamesOf(run, rows);
    const byCase = new Map<string, EvalResultRow[]>();
    for (const row of rows) byCase.set(row.caseId, [...(byCase.get(row.caseId) ?? []), row]);
    for (const [at, c] of page.entries()) {
      scanned++;
      cursor = c.caseId;
      const outputs = (byCase.get(c.caseId) ?? []).sort((a, b) => a.variant - b.variant);
      const item: EvalCaseResult = {
        caseId: c.caseId,
        input: c.input,
        expected: c.expected ?? null,
        tags: c.tags,
        outputs: outputs
          .filter((o) => shown(o.variant))
          .map((o) => ({
            variant: o.variant,
            output: o.output ?? null,
            scores: o.scores,
            latencyMs: o.latencyMs,
            inputTokens: o.inputTokens,
            outputTokens: o.outputTokens,
            cost: o.cost,
            error: o.error,
            traceId: o.traceId,
          })),
        deltas: caseDeltas(run.variants, names, new Map(outputs.map((o) => [o.variant, o]))).filter(
          (d) => variant === undefined || d.variant === variant,
        ),
      };
      if (!query.outcome || matches(item, query, query.outcome)) items.push(item);
      if (items.length >= query.limit) {
        if (at === page.length - 1 && exhausted) cursor = undefined;
        break;
      }
    }
  }
  return { items, nextCursor: exhausted && items.length < query.limit ? null : (cursor ?? null) };
}
