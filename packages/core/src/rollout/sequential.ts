/**
 * Sequential comparison of a candidate with its control, for guardrails that look at the
 * numbers continuously: the mixture sequential probability ratio test (mSPRT) of Johari, Koomen,
 * Pekelis and Walsh ("Always valid inference", 2017) on the difference of two means, with its
 * always-valid p-value and confidence sequence. Looking after every request does not raise the
 * false-alarm rate above alpha, which a fixed-sample test checked repeatedly would.
 *
 * With Δ̂ the observed difference (candidate − control), V = s²_candidate/n_candidate +
 * s²_control/n_control its variance and a normal mixture N(θ0, τ²) over the true difference:
 *
 *   Λ = sqrt(V / (V + τ²)) · exp(τ² (Δ̂ − θ0)² / (2 V (V + τ²)))
 *
 * The difference is significant once Λ ≥ 1/α; 1/Λ is the instantaneous always-valid p-value
 * (the monitor keeps the running minimum). The confidence sequence is the set of θ0 with
 * Λ(θ0) < 1/α: Δ̂ ± sqrt(2 V (V + τ²) / τ² · (ln(1/α) + ½ ln((V + τ²) / V))).
 */

/** One arm's observations so far: count, mean and (sample) variance of a metric. */
export interface ArmSummary {
  n: number;
  mean: number;
  variance: number;
}

export interface SequentialOptions {
  /** The mixture's variance: about the square of the differences worth detecting. */
  tau2: number;
  /** Default 0.05. */
  alpha?: number;
  /** The difference tested against; default 0. */
  theta0?: number;
  /** Fewer observations than this in either arm give no verdict. Default 30. */
  minPerArm?: number;
}

export interface SequentialResult {
  difference: number;
  /** The always-valid (1 − alpha) interval of the difference at this point. */
  low: number;
  high: number;
  /** The mixture likelihood ratio Λ; null when there are too few observations. */
  lambda: number | null;
  /** 1/Λ capped at 1: keep the running minimum over time for the always-valid p-value. */
  pValue: number;
  significant: boolean;
}

/** mSPRT of candidate − control at this moment. */
export function sequentialCompare(
  control: ArmSummary,
  candidate: ArmSummary,
  options: SequentialOptions,
): SequentialResult {
  const alpha = options.alpha ?? 0.05;
  const theta0 = options.theta0 ?? 0;
  const minPerArm = options.minPerArm ?? 30;
  const { tau2 } = options;
  if (!(tau2 > 0)) throw new RangeError("tau2 must be positive");
  const difference = candidate.mean - control.mean;
  const enough = control.n >= Math.max(2, minPerArm) && candidate.n >= Math.max(2, minPerArm);
  const v = candidate.variance / candidate.n + control.variance / control.n;
  if (!enough || !(v > 0) || !Number.isFinite(v)) {
    return {
      difference,
      low: Number.NEGATIVE_INFINITY,
      high: Number.POSITIVE_INFINITY,
      lambda: null,
      pValue: 1,
      significant: false,
    };
  }
  const shift = difference - theta0;
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * shift * shift) / (2 * v * (v + tau2));
  const lambda = Math.exp(logLambda);
  const half = Math.sqrt(
    ((2 * v * (v + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((v + tau2) / v)),
  );
  return {
    difference,
    low: difference - half,
    high: difference + half,
    lambda,
    pValue: Math.min(1, Math.exp(-logLambda)),
    significant: logLambda >= Math.log(1 / alpha),
  };
}
