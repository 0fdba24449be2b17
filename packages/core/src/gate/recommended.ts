/**
 * The gate policy promptline suggests for a production environment: offered (the API, the CLI's
 * `gates set --recommended`, the web UI), never applied unasked. The bigger the change, the more
 * evidence it needs: a patch must keep passing the deterministic checks without being
 * significantly worse on them than what is served (a reworded sentence can break a prompt); a
 * minor change must not be significantly worse on any scorer; a major one must also reach a
 * minimum mean on every scorer. The requirements apply to the prompt the dataset was made for, so
 * one environment's policy can gate several prompts, each on its own datasets.
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

/** The recommended policy for `prompt`'s runs of `scorers` on `dataset`. */
export function recommendedGatePolicy(
  dataset: string,
  scorers: RecommendedScorer[],
  prompt: string,
): GatePolicy {
  const all = scorers.map((s) => s.name);
  const deterministic = scorers.filter((s) => s.deterministic).map((s) => s.name);
  const require = (names: string[], minMean?: number) =>
    names.map((scorer) => ({
      dataset,
      scorer,
      ...(minMean !== undefined && { minMean }),
      prompts: [prompt],
    }));
  const maxLatencyMs = RECOMMENDED_MAX_LATENCY_MS;
  return {
    patch: {
      requirements: require(deterministic.length > 0 ? deterministic : all),
      noRegression: true,
      maxLatencyMs,
    },
    minor: { requirements: require(all), noRegression: true, maxLatencyMs },
    major: { requirements: require(all, RECOMMENDED_MIN_MEAN), noRegression: true, maxLatencyMs },
  };
}
