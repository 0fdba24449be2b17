import type { VersionMetrics } from "@promptline/core";

/** What the server counted for one version in one hour or day. */
export type Figures = VersionMetrics["versions"][number]["series"][number];
export type Bucket = VersionMetrics["bucket"];

export interface Measure {
  key: string;
  label: string;
  value: (f: Figures) => number | null;
  /**
   * What an hour or day without calls shows: 0 for a count (no calls is zero calls), nothing
   * for a rate or an average (there is none: the line stops and starts again).
   */
  whenEmpty: 0 | null;
  /** A count, whose axis has only whole numbers. */
  whole: boolean;
  /** The axis' fixed range (scores run from 0 to 1); fitted to the values when absent. */
  domain?: [number, number];
}

export const MEASURES: Measure[] = [
  { key: "calls", label: "Calls", value: (f) => f.calls, whenEmpty: 0, whole: true },
  { key: "errors", label: "Errors", value: (f) => f.errors, whenEmpty: 0, whole: true },
  {
    key: "errorRate",
    label: "Error rate (%)",
    value: (f) => Math.round(f.errorRate * 1000) / 10,
    whenEmpty: null,
    whole: false,
  },
  {
    key: "latencyP50",
    label: "Latency p50 (ms)",
    value: (f) => f.latencyP50,
    whenEmpty: null,
    whole: false,
  },
  {
    key: "latencyP95",
    label: "Latency p95 (ms)",
    value: (f) => f.latencyP95,
    whenEmpty: null,
    whole: false,
  },
  {
    key: "tokens",
    label: "Tokens",
    value: (f) => f.inputTokens + f.outputTokens,
    whenEmpty: 0,
    whole: true,
  },
  { key: "cost", label: "Cost (USD)", value: (f) => f.cost, whenEmpty: 0, whole: false },
  {
    key: "costPerCall",
    label: "Cost per call (USD)",
    value: (f) => f.avgCostPerCall,
    whenEmpty: null,
    whole: false,
  },
  {
    key: "feedback",
    label: "Average feedback",
    value: (f) => f.scores.feedback?.mean ?? null,
    whenEmpty: null,
    whole: false,
  },
];

/** The feedback people give is a measure of its own; every other score gets a chart. */
const FEEDBACK = "feedback";

/**
 * One measure per score name the versions have (online-evaluation scorers, scores sent with
 * traces), in name order: its mean per hour or day, on a 0–1 axis; none where nothing was scored.
 */
export function scoreMeasures(versions: VersionMetrics["versions"]): Measure[] {
  const names = new Set<string>();
  for (const v of versions) for (const name of Object.keys(v.scores)) names.add(name);
  names.delete(FEEDBACK);
  return [...names].sort().map((name) => ({
    key: `score:${name}`,
    label: `${name} (mean score)`,
    value: (f) => f.scores[name]?.mean ?? null,
    whenEmpty: null,
    whole: false,
    domain: [0, 1],
  }));
}

/** A series' name: calls without a version ran the draft (or did not say which version). */
export const versionKey = (version: number | null) => (version === null ? "draft" : `v${version}`);

/** A series' name when split by rollout variant too: "candidate v8", "control v7". */
export const seriesKey = (entry: {
  version: number | null;
  variant?: string | null | undefined;
}) => (entry.variant ? `${entry.variant} ${versionKey(entry.version)}` : versionKey(entry.version));

/** How long one bucket lasts, in milliseconds. */
export const spanOf = (bucket: Bucket) => (bucket === "hour" ? 3_600_000 : 86_400_000);

/** How far back the server looks by default: the last 24 hours, or the last 30 days. */
const RANGE = { hour: 24 * 3_600_000, day: 30 * 86_400_000 };

export type ChartRow = { t: number } & Record<string, number | null>;

/**
 * One row per hour (or day) of the range the server summed, oldest first, with each version's
 * value of the measure: a bucket without calls holds `measure.whenEmpty`, so a count drops to 0
 * and a rate leaves a gap, and a line never joins two buckets across an empty one. The server
 * sends only buckets with calls; `now` is when it answered (buckets are whole UTC hours or days,
 * as the server's are).
 */
export function chartRows(
  versions: VersionMetrics["versions"],
  measure: Measure,
  bucket: Bucket,
  now: number,
): ChartRow[] {
  const span = spanOf(bucket);
  const floor = (t: number) => Math.floor(t / span) * span;
  const values = new Map<string, Map<number, number | null>>();
  let first = floor(now - RANGE[bucket]);
  let last = floor(now);
  for (const v of versions) {
    const byTime = new Map<number, number | null>();
    for (const point of v.series) {
      const t = floor(Date.parse(point.time));
      byTime.set(t, measure.value(point));
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    values.set(seriesKey(v), byTime);
  }
  const rows: ChartRow[] = [];
  for (let t = first; t <= last; t += span) {
    const row: ChartRow = { t };
    for (const [key, byTime] of values) {
      const value = byTime.get(t);
      row[key] = value === undefined ? measure.whenEmpty : value;
    }
    rows.push(row);
  }
  return rows;
}

export type Move = VersionMetrics["deployments"][number];

export const moveText = (d: Move) => `${d.kind} ${d.environment} → v${d.toVersion}`;

/**
 * The deployments as chart markers: each at the start of its bucket, where the calls it changed
 * are drawn, and one marker per bucket however many moves it holds (their times are listed under
 * the chart), so that markers never print over each other.
 */
export function markersOf(moves: Move[], span: number) {
  const buckets = new Map<number, Move[]>();
  for (const move of moves) {
    const t = Math.floor(Date.parse(move.at) / span) * span;
    buckets.set(t, [...(buckets.get(t) ?? []), move]);
  }
  return [...buckets].map(([t, inBucket]) => ({
    t,
    rollback: inBucket.some((m) => m.kind === "rollback"),
    label:
      inBucket.length === 1 && inBucket[0] ? moveText(inBucket[0]) : `${inBucket.length} changes`,
  }));
}
