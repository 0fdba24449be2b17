/**
 * What a run found, from its results: per variant each scorer's mean with its 95 % interval (cut
 * to the [0, 1] scores live in), the
 * mean latency and cost, and for a candidate the paired comparison with the baseline variant
 * that ran the same model. Pure, so the server (live and at the end), the CLI and the benchmark
 * compute the same numbers.
 */
import { compareScores, meanInterval } from "../evaluation/statistics.js";
import type {
  CaseOutcome,
  EvalDelta,
  EvalScore,
  EvalVariant,
  RunSummary,
  ScorerComparison,
  VariantSummary,
} from "./api.js";

/** A score difference at most this large is no change (floating-point noise, not a verdict). */
export const UNCHANGED_TOLERANCE = 1e-9;

/** One item's result as the summary needs it (no output). */
export interface SummaryResult {
  variant: number;
  caseId: string;
  scores: readonly EvalScore[];
  latencyMs: number | null;
  cost: number | null;
  error: string | null;
}

type VariantShape = Pick<EvalVariant, "role" | "provider" | "model">;

/** Whether one case got better, worse or stayed the same, from baseline to candidate. */
export function caseOutcome(baseline: number, candidate: number): CaseOutcome {
  const delta = candidate - baseline;
  if (delta > UNCHANGED_TOLERANCE) return "improved";
  if (delta < -UNCHANGED_TOLERANCE) return "regressed";
  return "unchanged";
}

/**
 * The baseline variant a candidate is compared with: the one that ran the same model (variants
 * are candidates × models, then the baseline × the same models). Null for a baseline variant, or
 * when the run has no baseline.
 */
export function baselineVariantOf(variants: readonly VariantShape[], index: number): number | null {
  const variant = variants[index];
  if (variant?.role !== "candidate") return null;
  const found = variants.findIndex(
    (v) => v.role === "baseline" && v.provider === variant.provider && v.model === variant.model,
  );
  return found === -1 ? null : found;
}

/** A scorer's score on a result, or undefined when it has none (it failed, or the call did). */
export function scoreOf(result: Pick<SummaryResult, "scores">, scorer: string): number | undefined {
  const found = result.scores.find((s) => s.name === scorer);
  return found && found.score !== null ? found.score : undefined;
}

const finiteOr = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? null : value;

/**
 * An interval cut to the range its quantity can take. Scores live in [0, 1], so a mean's 95 %
 * t-interval is cut to [0, 1] and a difference's to [-1, 1]: over two cases scoring 0 and 1 the
 * textbook interval is [-5.85, 6.85], which no score can reach and a reader cannot use.
 * (statistics.ts keeps the textbook values; this is how a run presents them.)
 */
function clamped<T extends { low: number; high: number }>(value: T, min: number, max: number): T {
  return { ...value, low: Math.max(min, value.low), high: Math.min(max, value.high) };
}

function interval(values: readonly number[]) {
  if (values.length === 0) return null;
  const { mean, low, high, n } = meanInterval(values);
  return clamped({ mean, low, high, n }, 0, 1);
}

function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Candidate against baseline on one scorer, over the cases both have a score for. */
function compare(
  scorer: string,
  candidate: ReadonlyMap<string, SummaryResult>,
  baseline: ReadonlyMap<string, SummaryResult>,
  caseIds: readonly string[],
): ScorerComparison {
  const pairedBaseline: number[] = [];
  const pairedCandidate: number[] = [];
  const counts = { improved: 0, regressed: 0, unchanged: 0 };
  for (const caseId of caseIds) {
    const c = candidate.get(caseId);
    const b = baseline.get(caseId);
    const cs = c && scoreOf(c, scorer);
    const bs = b && scoreOf(b, scorer);
    if (cs === undefined || bs === undefined) continue;
    pairedCandidate.push(cs);
    pairedBaseline.push(bs);
    counts[caseOutcome(bs, cs)]++;
  }
  const tally = {
    improvedCases: counts.improved,
    regressedCases: counts.regressed,
    unchangedCases: counts.unchanged,
  };
  const n = pairedCandidate.length;
  if (n === 0) {
    return {
      scorer,
      candidate: null,
      baseline: null,
      difference: null,
      pValue: null,
      verdict: "not enough cases",
      ...tally,
    };
  }
  const comparison = compareScores(pairedBaseline, pairedCandidate);
  return {
    scorer,
    candidate: clamped(comparison.candidate, 0, 1),
    baseline: clamped(comparison.baseline, 0, 1),
    difference: clamped({ ...comparison.difference, n }, -1, 1),
    pValue: finiteOr(comparison.pValue),
    verdict: comparison.verdict,
    ...tally,
  };
}

/**
 * Summarises a run's results. Results are paired by case id; a case where either side has no
 * score for a scorer (the scorer or the call failed) is left out of that scorer's pairs.
 */
export function summariseRun(
  variants: readonly VariantShape[],
  scorers: readonly string[],
  results: Iterable<SummaryResult>,
): RunSummary {
  const byVariant = variants.map(() => new Map<string, SummaryResult>());
  for (const result of results) byVariant[result.variant]?.set(result.caseId, result);
  // Sorted once, so pairs (and so the seeded bootstrap) come out the same however rows were read.
  const sortedIds = byVariant.map((map) => [...map.keys()].sort());
  return {
    variants: variants.map((_, index): VariantSummary => {
      const own = byVariant[index] as Map<string, SummaryResult>;
      const rows = [...own.values()];
      const succeeded = rows.filter((r) => r.error === null);
      const baselineVariant = baselineVariantOf(variants, index);
      const baseline = baselineVariant === null ? undefined : byVariant[baselineVariant];
      return {
        variant: index,
        scores: scorers.map((scorer) => {
          const values: number[] = [];
          for (const row of rows) {
            const value = scoreOf(row, scorer);
            if (value !== undefined) values.push(value);
          }
          return { scorer, interval: interval(values), errors: rows.length - values.length };
        }),
        meanLatencyMs: meanOf(
          succeeded.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs])),
        ),
        meanCostUsd: meanOf(succeeded.flatMap((r) => (r.cost === null ? [] : [r.cost]))),
        errors: rows.length - succeeded.length,
        comparison: baseline
          ? scorers.map((scorer) => compare(scorer, own, baseline, sortedIds[index] ?? []))
          : [],
        baselineVariant,
      };
    }),
  };
}

/**
 * One case's score changes: for each candidate variant with a baseline, each scorer both sides
 * have a score for, the difference and whether it improved, regressed or stayed.
 */
export function caseDeltas(
  variants: readonly VariantShape[],
  scorers: readonly string[],
  outputs: ReadonlyMap<number, Pick<SummaryResult, "scores">>,
): EvalDelta[] {
  const deltas: EvalDelta[] = [];
  for (const [index] of variants.entries()) {
    const baselineVariant = baselineVariantOf(variants, index);
    if (baselineVariant === null) continue;
    const candidate = outputs.get(index);
    const baseline = outputs.get(baselineVariant);
    if (!candidate || !baseline) continue;
    for (const scorer of scorers) {
      const cs = scoreOf(candidate, scorer);
      const bs = scoreOf(baseline, scorer);
      if (cs === undefined || bs === undefined) continue;
      deltas.push({ variant: index, scorer, delta: cs - bs, outcome: caseOutcome(bs, cs) });
    }
  }
  return deltas;
}
