/**
 * One item of a run: a case through one variant. The call goes through the gateway's provider
 * path (so it is traced, retried on 429/5xx per the connection's maxRetries, and costed like any
 * call); then every scorer judges the output. A failed call or scorer is recorded on the item,
 * never thrown: only a cancelled run or a storage failure stops the worker.
 */
import {
  DomainError,
  type EvalScore,
  type EvalVariant,
  type ParsedTraceInput,
  type PromptContent,
  type ScorerSpec,
  scorerName,
  tokenCountSchema,
} from "@promptline/core";
import { score as scoreDeterministic } from "@promptline/core/scorers";
import type { ContentCallResult, GatewayService } from "../gateway/service.js";
import type { PriceService } from "../price/service.js";
import { ProviderError } from "../provider/upstream/types.js";
import type { DatasetCaseRow, EvalResultRow } from "../storage/database.js";
import type { Judge } from "./judge.js";
import type { TokenBuckets } from "./limits.js";

/** Outputs are stored up to this many characters (the request size the API takes). */
export const MAX_STORED_OUTPUT = 1024 * 1024;

/** A variant ready to call: its content (a pinned version's or a snapshot) and trace tag. */
export interface PlannedVariant {
  variant: EvalVariant;
  content: PromptContent;
  promptTag: NonNullable<ParsedTraceInput["prompt"]>;
}

export interface ItemContext {
  projectId: string;
  runId: string;
  scorers: readonly ScorerSpec[];
  requestsPerMinute: number | null;
}

export interface ItemDeps {
  gateway: GatewayService;
  judge: Judge;
  prices: PriceService;
  buckets: TokenBuckets;
  now: () => Date;
}

/** A token count storage takes (whole, not negative, in range), else nothing. */
const count = (n: unknown) => (tokenCountSchema.safeParse(n).success ? (n as number) : null);

const failedScore = (spec: ScorerSpec, error: string): EvalScore => ({
  name: scorerName(spec),
  score: null,
  reason: null,
  error,
});

/** Runs one case through one variant and scores it; resolves with the row to store. */
export async function runItem(
  deps: ItemDeps,
  run: ItemContext,
  planned: PlannedVariant,
  variantIndex: number,
  row: DatasetCaseRow,
  signal: AbortSignal,
): Promise<EvalResultRow> {
  const metadata = { evalRunId: run.runId, caseId: row.caseId, variant: variantIndex };
  const { requestsPerMinute } = run;
  const beforeCall =
    requestsPerMinute === null
      ? undefined
      : (connection: string) =>
          deps.buckets.take(`${run.projectId}\u0000${connection}`, requestsPerMinute, signal);
  const base = {
    runId: run.runId,
    variant: variantIndex,
    caseRowId: row.rowId,
    caseId: row.caseId,
  };
  let call: ContentCallResult;
  try {
    call = await deps.gateway.completeContent(
      run.projectId,
      {
        content: planned.content,
        variables: row.input.variables,
        placeholders: row.input.placeholders,
        promptTag: planned.promptTag,
        provider: planned.variant.provider,
        model: planned.variant.model,
        origin: "evaluation",
        metadata,
        ...(beforeCall && { beforeCall }),
      },
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    if (!(error instanceof ProviderError || error instanceof DomainError)) throw error;
    return {
      ...base,
      output: null,
      scores: [],
      latencyMs: null,
      inputTokens: null,
      outputTokens: null,
      cost: null,
      error: error.message,
      traceId: error instanceof ProviderError ? (error.traceId ?? null) : null,
      finishedAt: deps.now().toISOString(),
    };
  }
  const { outcome } = call;
  const table = await deps.prices.tableFor(run.projectId);
  const cost =
    table.costOf(typeof outcome.model === "string" ? outcome.model : call.model, outcome.usage) ??
    null;
  const output = call.text;
  const scores: EvalScore[] = [];
  for (const spec of run.scorers) {
    if (spec.type === "judge") {
      scores.push(
        await deps.judge(
          run.projectId,
          spec,
          { input: row.input, output, expected: row.expected },
          { signal, metadata, ...(beforeCall && { beforeCall }) },
        ),
      );
      continue;
    }
    const result = scoreDeterministic(spec, {
      output,
      expected: row.expected ?? undefined,
      latencyMs: outcome.latencyMs,
      cost,
      constraints: planned.content.constraints,
    });
    scores.push(
      "error" in result
        ? failedScore(spec, result.error)
        : { name: scorerName(spec), score: result.score, reason: result.reason, error: null },
    );
  }
  return {
    ...base,
    output: output.length > MAX_STORED_OUTPUT ? output.slice(0, MAX_STORED_OUTPUT) : output,
    scores,
    latencyMs: outcome.latencyMs,
    inputTokens: count(outcome.usage.inputTokens),
    outputTokens: count(outcome.usage.outputTokens),
    cost,
    error: null,
    traceId: call.traceId,
    finishedAt: deps.now().toISOString(),
  };
}
