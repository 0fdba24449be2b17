/**
 * The gate policy promptline suggests for a production environment: offered (the API, the CLI's
 * `gates set --recommended`, the web UI), never applied unasked. The bigger the change, the more
 * evidence it needs: a reworded patch only has to keep passing the deterministic checks; a minor
 * change must not make any scorer significantly worse than what is served; a major one must also
 * reach a minimum mean on every scorer.
 */
import type { GatePolicy } from "./api.js";

/** A generous default: a call slower than this on average is a problem whatever the prompt. */
export const RECOMMENDED_MAX_LATENCY_MS = 10_000;
/** The mean every scorer must reach for a major change. */
export const RECOMMENDED_MIN_MEAN = 0.8;

export interface RecommendedScorer {
  name: string;
  /** A deterministic check (not an LLM judge): cheap and exact, so even a patch runs it. */
  deterministic: boolean;
}

/** The recommended policy for runs of `scorers` on `dataset`. */
export function recommendedGatePolicy(dataset: string, scorers: RecommendedScorer[]): GatePolicy {
  const all = scorers.map((s) => s.name);
  const deterministic = scorers.filter((s) => s.deterministic).map((s) => s.name);
  const require = (names: string[], minMean?: number) =>
    names.map((scorer) => ({ dataset, scorer, ...(minMean !== undefined && { minMean }) }));
  const maxLatencyMs = RECOMMENDED_MAX_LATENCY_MS;
  return {
    patch: {
      requirements: require(deterministic.length > 0 ? deterministic : all),
      noRegression: false,
      maxLatencyMs,
    },
    minor: { requirements: require(all), noRegression: true, maxLatencyMs },
    major: { requirements: require(all, RECOMMENDED_MIN_MEAN), noRegression: true, maxLatencyMs },
  };
}
