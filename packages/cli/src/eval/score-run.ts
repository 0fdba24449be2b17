/**
 * Runs the custom scorers over a finished run: every page of results, every output that the call
 * produced, a bounded number of scorer calls at a time, and the scores sent back in chunks the
 * server accepts. Only one page of results is held at a time, so a large run stays small here.
 */
import type {
  EvalCaseResult,
  EvalOutput,
  EvalVariant,
  SubmitEvalScoresBody,
} from "@promptline/core";
import { type CustomScorer, runScorer, type ScorerArgs } from "./custom-scorers.js";

/** What scoring reads of one case of a run's results (`metadata` when the server sends it). */
export type CaseResult = Pick<EvalCaseResult, "caseId" | "input" | "expected" | "tags"> & {
  metadata?: Record<string, unknown> | null;
  outputs: Array<Pick<EvalOutput, "variant" | "output" | "error">>;
};

export type SubmittedScore = SubmitEvalScoresBody["scores"][number];

/** The two endpoints scoring needs, so that it can be tested without a server. */
export interface ScoringApi {
  results(query: {
    limit: number;
    after?: string;
  }): Promise<{ items: CaseResult[]; nextCursor: string | null }>;
  submitScores(scores: SubmittedScore[]): Promise<unknown>;
}

export interface ScoringOptions {
  /** Scorer calls at once. */
  concurrency?: number;
  /** Cases per page of results. */
  pageSize?: number;
  /** Scores per request (the server takes up to 5,000). */
  chunkSize?: number;
  /** Told after each page: outputs scored so far. */
  onProgress?: (scored: number) => void;
  timeoutMs?: number;
}

export interface ScoringReport {
  scored: number;
  errors: number;
}

/** Scores every output of the run with every custom scorer and sends the scores to the server. */
export async function scoreRun(
  api: ScoringApi,
  variants: EvalVariant[],
  scorers: CustomScorer[],
  options: ScoringOptions = {},
): Promise<ScoringReport> {
  const { concurrency = 8, pageSize = 200, chunkSize = 1000 } = options;
  const report: ScoringReport = { scored: 0, errors: 0 };
  let after: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await api.results({ limit: pageSize, ...(after !== undefined && { after }) });
    const jobs = page.items.flatMap((item) =>
      item.outputs
        // A call that failed made no output to judge: it is already counted as an error.
        .filter((output) => output.error === null)
        .flatMap((output) =>
          scorers.map((scorer) => ({ item, variant: output.variant, output, scorer })),
        ),
    );
    const scores = await mapBounded(jobs, concurrency, async (job) => {
      const outcome = await runScorer(
        job.scorer,
        argsOf(job.item, job.output.output, variants[job.variant]),
        options.timeoutMs,
      );
      return { caseId: job.item.caseId, variant: job.variant, name: job.scorer.name, ...outcome };
    });
    for (let start = 0; start < scores.length; start += chunkSize) {
      await api.submitScores(scores.slice(start, start + chunkSize));
    }
    report.scored += scores.length;
    report.errors += scores.filter((s) => s.error !== null).length;
    options.onProgress?.(report.scored);
    // A cursor seen before would page for ever; the server's cursors only move forward.
    if (page.nextCursor === null || seen.has(page.nextCursor)) return report;
    seen.add(page.nextCursor);
    after = page.nextCursor;
  }
}

function argsOf(item: CaseResult, output: unknown, variant: EvalVariant | undefined): ScorerArgs {
  return {
    output,
    expected: item.expected,
    input: item.input,
    tags: item.tags,
    metadata: item.metadata ?? {},
    variant: {
      role: variant?.role ?? "candidate",
      label: variant?.label ?? "?",
      version: variant?.version ?? null,
      model: variant?.model ?? null,
    },
  };
}

/** `fn` over `items` with at most `limit` calls running at once, results in the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
