/**
 * The statistics that compare a candidate's scores with a baseline's on the same cases: means
 * with 95 % intervals, the paired difference with a 95 % bootstrap interval, a paired t-test's
 * p-value, and a verdict. Small and dependency-free; each function is checked against worked
 * examples with known answers (statistics.test.ts).
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.3234287776531,
    -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < 9; i++) sum += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz), at most 300 terms. */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  // The fraction converges fast on the side of the mean; the other side by symmetry.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The t such that P(T ≤ t) = p, by bisection (60 halvings: far below any printed digit). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError("a quantile's probability is between 0 and 1");
  let low = -1e6;
  let high = 1e6;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, Math.abs(high)); i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export interface Interval {
  mean: number;
  /** The 95 % interval's ends; equal to the mean when there is one value or no spread. */
  low: number;
  high: number;
  n: number;
}

const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);

/** Sample variance (n − 1 in the denominator); 0 for fewer than two values. */
function variance(values: readonly number[], mean: number): number {
  if (values.length < 2) return 0;
  return sum(values.map((v) => (v - mean) ** 2)) / (values.length - 1);
}

/** The mean with its 95 % t-interval. */
export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const mean = sum(values) / n;
  if (n < 2) return { mean, low: mean, high: mean, n };
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(variance(values, mean) / n);
  return { mean, low: mean - half, high: mean + half, n };
}

/** Candidate minus baseline, case by case; the two lists are the same cases in the same order. */
function differences(baseline: readonly number[], candidate: readonly number[]): number[] {
  if (baseline.length !== candidate.length) {
    throw new RangeError("paired scores need the same cases on both sides");
  }
  return candidate.map((c, i) => c - (baseline[i] as number));
}

/** The paired t-test of candidate against baseline: the two-sided p-value of "no difference". */
export function pairedTTest(
  baseline: readonly number[],
  candidate: readonly number[],
): { meanDifference: number; t: number; df: number; pValue: number } {
  const d = differences(baseline, candidate);
  const n = d.length;
  const mean = n === 0 ? 0 : sum(d) / n;
  if (n < 2) return { meanDifference: mean, t: Number.NaN, df: 0, pValue: 1 };
  const se = Math.sqrt(variance(d, mean) / n);
  // Every case moved by the same amount (to rounding): certain, unless that amount is nothing.
  if (se === 0 || se < Math.abs(mean) * 1e-12) {
    return mean === 0
      ? { meanDifference: 0, t: 0, df: n - 1, pValue: 1 }
      : { meanDifference: mean, t: Math.sign(mean) * Infinity, df: n - 1, pValue: 0 };
  }
  const t = mean / se;
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(t), n - 1));
  return { meanDifference: mean, t, df: n - 1, pValue };
}

/** A small, fast, seeded generator (mulberry32), so a bootstrap gives the same answer twice. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let r = state;
    r = Math.imul(r ^ (r >>> 15), r | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The value below which a fraction `q` of the sorted values lie (linear interpolation). */
function quantileOfSorted(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return (
    (sorted[below] as number) +
    ((sorted[above] as number) - (sorted[below] as number)) * (at - below)
  );
}

/**
 * The 95 % percentile interval of the mean paired difference, by resampling cases with
 * replacement (each case keeps its baseline and candidate score together).
 */
export function pairedBootstrap(
  baseline: readonly number[],
  candidate: readonly number[],
  { resamples = 10_000, seed = 1 }: { resamples?: number; seed?: number } = {},
): { mean: number; low: number; high: number } {
  const d = differences(baseline, candidate);
  const n = d.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN };
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += d[Math.floor(random() * n)] as number;
    means[r] = total / n;
  }
  means.sort();
  return {
    mean: sum(d) / n,
    low: quantileOfSorted(Array.from(means), 0.025),
    high: quantileOfSorted(Array.from(means), 0.975),
  };
}

export type Verdict = "improved" | "regressed" | "no significant change" | "not enough cases";

export interface Comparison {
  baseline: Interval;
  candidate: Interval;
  /** Candidate minus baseline, with its paired bootstrap interval. */
  difference: { mean: number; low: number; high: number };
  pValue: number;
  verdict: Verdict;
}

/**
 * A candidate's scores against a baseline's on the same cases (higher is better). A change is
 * called only when the paired test says p < alpha and the bootstrap interval of the difference
 * leaves out zero; with fewer than `minCases` cases, nothing is called.
 */
export function compareScores(
  baseline: readonly number[],
  candidate: readonly number[],
  { alpha = 0.05, minCases = 10, resamples = 10_000, seed = 1 } = {},
): Comparison {
  const test = pairedTTest(baseline, candidate);
  const difference = pairedBootstrap(baseline, candidate, { resamples, seed });
  const significant = test.pValue < alpha && (difference.low > 0 || difference.high < 0);
  const verdict: Verdict =
    baseline.length < minCases
      ? "not enough cases"
      : !significant
        ? "no significant change"
        : test.meanDifference > 0
          ? "improved"
          : "regressed";
  return {
    baseline: meanInterval(baseline),
    candidate: meanInterval(candidate),
    difference,
    pValue: test.pValue,
    verdict,
  };
}
