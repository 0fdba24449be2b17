/**
 * From the arms' sums to each guardrail's verdict on each candidate, with the figures stored
 * beside it: the metric's summary per arm (count, mean, variance), the mixture's scale τ² chosen
 * per metric, and the p95 latency guardrail recast as a share of slow calls (docs/rollouts.md,
 * "Guardrail monitor").
 */
import {
  type ArmSummary,
  type Guardrail,
  type GuardrailCheck,
  type GuardrailVerdict,
  guardrailVerdict,
} from "@promptline/core";
import type { ArmTotals, LatencyThreshold, RolloutMeasures, Sums } from "./guardrail-metrics.js";
import { scoreNameOf } from "./guardrail-metrics.js";

/** The false-alarm rate of every guardrail, however often it is looked at. */
const ALPHA = 0.05;

/**
 * The mixture's spread τ: the size of regression caught fastest. Too small a τ widens the early
 * intervals enormously (a candidate failing outright would be caught only after hundreds of
 * calls); too large a one costs only a logarithmic factor later. So τ is at least the
 * tolerance, and at least a large regression in the metric's terms: 10 points of error rate,
 * 10 points of the share of slow calls, half the control's cost, half a standard deviation of
 * a score (at least 0.05).
 */
const RATE_TAU = 0.1;
const SCORE_TAU = 0.05;
/** The share of calls a p95 leaves above it. */
const P95_SHARE = 0.05;

export interface CandidateCheck {
  verdict: GuardrailVerdict;
  check: GuardrailCheck;
}

/**
 * A rate's summary: the observed share as its mean, and the variance of Agresti and Caffo's
 * adjusted share ((x + 1) / (n + 2)), which is never 0 — with no error in either arm yet, a
 * plain p(1 − p) would leave the comparison without a variance, and so without a verdict.
 */
function rateSummary(hits: number, n: number): ArmSummary {
  const adjusted = (hits + 1) / (n + 2);
  return { n, mean: n === 0 ? 0 : hits / n, variance: adjusted * (1 - adjusted) };
}

/**
 * A measured value's summary (cost, a score). Values that never vary (the same cost for every
 * call) get a variance a millionth of their size, so identical arms read as healthy and
 * different ones as a sure difference, instead of never giving a verdict.
 */
function valueSummary(sums: Sums | undefined, scale: number): ArmSummary {
  if (!sums || sums.n === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sums.sum / sums.n;
  const spread = sums.n > 1 ? (sums.sumSq - (sums.sum * sums.sum) / sums.n) / (sums.n - 1) : 0;
  const floor = (1e-6 * Math.max(scale, Math.abs(mean), 1e-12)) ** 2;
  return { n: sums.n, mean, variance: Math.max(spread, floor) };
}

/** τ² for a guardrail that allows `allowed` (see RATE_TAU). */
function tau2For(guardrail: Guardrail, allowed: number, control: ArmSummary): number {
  let large: number;
  if (guardrail.metric === "error_rate" || guardrail.metric === "p95_latency") large = RATE_TAU;
  else if (guardrail.metric === "cost_per_call") large = 0.5 * Math.abs(control.mean);
  else large = Math.max(SCORE_TAU, 0.5 * Math.sqrt(control.variance));
  const tau = Math.max(allowed, large);
  return tau > 0 ? tau * tau : 1e-12;
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const ms = (value: number) => `${Math.round(value)} ms`;

type Outcome = {
  verdict: GuardrailVerdict;
  figures: Omit<GuardrailCheck, "candidateVersion" | "state">;
};

/** The p95 guardrail: is the candidate's share of calls slower than the limit above 5 %? */
function checkP95(
  guardrail: Guardrail,
  threshold: LatencyThreshold | null,
  control: ArmTotals,
  candidate: ArmTotals,
  slower: number,
  minPerArm: number,
): Outcome {
  // The control's own share above its p95 is 5 % by definition; its variance is the
  // uncertainty of where its p95 was estimated (the share above an estimated quantile).
  const controlArm: ArmSummary = {
    n: control.timed,
    mean: P95_SHARE,
    variance: P95_SHARE * (1 - P95_SHARE),
  };
  const candidateArm = rateSummary(slower, candidate.timed);
  const shareGuard: Guardrail = { ...guardrail, tolerance: 0, relative: false };
  const { verdict, figures } = guardrailVerdict(shareGuard, controlArm, candidateArm, {
    tau2: tau2For(guardrail, 0, controlArm),
    alpha: ALPHA,
    minPerArm,
  });
  if (!threshold) {
    const reason = "p95_latency: the control has no timed calls in the window yet";
    return { verdict: { state: "unknown", reason }, figures: { ...figures, reason } };
  }
  const tolerated = threshold.limitMs - threshold.controlP95;
  const over = `${percent(candidateArm.mean)} of the candidate's calls took over ${ms(threshold.limitMs)} (the control's p95 ${ms(threshold.controlP95)} + ${ms(tolerated)} tolerated), where 5 % may`;
  const reason =
    verdict.state === "breached"
      ? `p95_latency: ${over} (95 % ${percent(P95_SHARE + figures.low)} to ${percent(P95_SHARE + figures.high)})`
      : verdict.state === "unknown"
        ? verdict.reason
        : `p95_latency: ${over}`;
  return {
    verdict: verdict.state === "healthy" ? verdict : { state: verdict.state, reason },
    figures: { ...figures, reason },
  };
}

/**
 * Figures as JSON can hold them: without enough data the interval is unbounded, which is
 * stored as the difference itself (an unknown check has no interval to draw).
 */
function storable(figures: Outcome["figures"]): Outcome["figures"] {
  const bounded = Number.isFinite(figures.low) && Number.isFinite(figures.high);
  return bounded ? figures : { ...figures, low: figures.difference, high: figures.difference };
}

/** A guardrail on a mean (error rate, cost, feedback, a score): both arms' summaries. */
function meanArms(
  guardrail: Guardrail,
  control: ArmTotals,
  candidate: ArmTotals,
): { arms: [ArmSummary, ArmSummary]; allowed: number } {
  let arms: [ArmSummary, ArmSummary];
  if (guardrail.metric === "error_rate") {
    arms = [
      rateSummary(control.errors, control.calls),
      rateSummary(candidate.errors, candidate.calls),
    ];
  } else {
    const name = scoreNameOf(guardrail);
    const pick = (arm: ArmTotals) => (name === undefined ? arm.cost : arm.scores.get(name));
    const controlSums = pick(control);
    const scale = controlSums && controlSums.n > 0 ? Math.abs(controlSums.sum / controlSums.n) : 0;
    arms = [valueSummary(controlSums, scale), valueSummary(pick(candidate), scale)];
  }
  const allowed = guardrail.relative
    ? guardrail.tolerance * Math.abs(arms[0].mean)
    : guardrail.tolerance;
  return { arms, allowed };
}

/** Every guardrail's verdict on every candidate of a rollout, from one look's measures. */
export function checkGuardrails(
  guardrails: readonly Guardrail[],
  measures: RolloutMeasures,
  minPerArm: number,
): CandidateCheck[] {
  const { control } = measures;
  const results: CandidateCheck[] = [];
  for (const [candidateVersion, candidate] of measures.candidates) {
    let p95Index = 0;
    for (const guardrail of guardrails) {
      let outcome: Outcome;
      if (guardrail.metric === "p95_latency") {
        const i = p95Index++;
        outcome = checkP95(
          guardrail,
          measures.thresholds[i] ?? null,
          control,
          candidate,
          candidate.slower[i] ?? 0,
          minPerArm,
        );
      } else {
        const { arms, allowed } = meanArms(guardrail, control, candidate);
        const { verdict, figures } = guardrailVerdict(guardrail, arms[0], arms[1], {
          tau2: tau2For(guardrail, allowed, arms[0]),
          alpha: ALPHA,
          minPerArm,
        });
        const reason = verdict.state === "healthy" ? null : verdict.reason;
        outcome = { verdict, figures: { ...figures, reason } };
      }
      results.push({
        verdict: outcome.verdict,
        check: { ...storable(outcome.figures), candidateVersion, state: outcome.verdict.state },
      });
    }
  }
  return results;
}
