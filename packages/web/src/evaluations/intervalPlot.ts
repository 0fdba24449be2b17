/**
 * The geometry of an interval plot, apart from drawing it so it can be tested without a browser:
 * where the baseline's and the candidate's means and 95 % whiskers fall on a 0–1 score axis, and
 * where the paired difference falls on an axis centred on zero, wide enough to hold it.
 */

/** A mean with its 95 % interval, as the run summary gives it. */
export interface PlotInterval {
  mean: number;
  low: number;
  high: number;
}

/** One whisker: the interval's ends and its mean, in pixels. */
export interface Whisker {
  low: number;
  mean: number;
  high: number;
  /** The interval ran past the axis and was cut at its end. */
  clipped: boolean;
}

export interface Tick {
  x: number;
  label: string;
}

export interface IntervalPlotGeometry {
  width: number;
  /** Where the plotting area starts and ends, in pixels (the row labels sit left of it). */
  left: number;
  right: number;
  baseline: Whisker | null;
  candidate: Whisker | null;
  scoreTicks: Tick[];
  difference: Whisker | null;
  /** The difference axis runs from −extent to +extent. */
  extent: number;
  zero: number;
  differenceTicks: Tick[];
}

const finite = (i: PlotInterval | null | undefined): i is PlotInterval =>
  i !== null &&
  i !== undefined &&
  Number.isFinite(i.mean) &&
  Number.isFinite(i.low) &&
  Number.isFinite(i.high);

/** Steps a difference axis may end at: small differences keep room to be seen. */
const EXTENTS = [0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1];

/** The smallest round extent holding every end of the interval (scores differ by at most 1). */
export function differenceExtent(difference: PlotInterval | null | undefined): number {
  if (!finite(difference)) return 1;
  const furthest = Math.max(
    Math.abs(difference.low),
    Math.abs(difference.high),
    Math.abs(difference.mean),
  );
  return EXTENTS.find((step) => furthest <= step) ?? 1;
}

/** A number on an axis: "0", "0.5", "−0.25" (a true minus sign, as a reader expects). */
export function axisLabel(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0) return "0";
  const text = String(Math.abs(rounded));
  return rounded < 0 ? `−${text}` : `+${text}`;
}

/** Maps `value` in [from, to] to pixels in [left, right], holding it inside the axis. */
function scale(from: number, to: number, left: number, right: number) {
  return (value: number) => {
    const clamped = Math.min(to, Math.max(from, value));
    return left + ((clamped - from) / (to - from)) * (right - left);
  };
}

function whisker(
  interval: PlotInterval | null | undefined,
  from: number,
  to: number,
  x: (value: number) => number,
): Whisker | null {
  if (!finite(interval)) return null;
  return {
    low: x(interval.low),
    mean: x(interval.mean),
    high: x(interval.high),
    clipped: interval.low < from || interval.high > to,
  };
}

/**
 * Where everything goes on a plot `width` pixels wide whose row labels take `labelWidth`: the
 * means on 0–1, the difference on ±extent with zero in the middle.
 */
export function intervalPlotGeometry(
  {
    baseline,
    candidate,
    difference,
  }: {
    baseline: PlotInterval | null | undefined;
    candidate: PlotInterval | null | undefined;
    difference: PlotInterval | null | undefined;
  },
  { width = 320, labelWidth = 78, padding = 10 } = {},
): IntervalPlotGeometry {
  const left = labelWidth + padding;
  const right = width - padding;
  const score = scale(0, 1, left, right);
  const extent = differenceExtent(difference);
  const diff = scale(-extent, extent, left, right);
  return {
    width,
    left,
    right,
    baseline: whisker(baseline, 0, 1, score),
    candidate: whisker(candidate, 0, 1, score),
    scoreTicks: [0, 0.5, 1].map((v) => ({ x: score(v), label: String(v) })),
    difference: whisker(difference, -extent, extent, diff),
    extent,
    zero: diff(0),
    differenceTicks: [-extent, 0, extent].map((v) => ({ x: diff(v), label: axisLabel(v) })),
  };
}
