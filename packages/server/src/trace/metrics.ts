import { percentile, type VersionMetrics } from "@promptline/core";
import type { TraceRow, TraceScoreRow } from "../storage/database.js";

type VersionEntry = VersionMetrics["versions"][number];
type Figures = Omit<VersionEntry, "version" | "series">;

type CallRow = Pick<
  TraceRow,
  | "promptVersion"
  | "variant"
  | "startTime"
  | "status"
  | "latencyMs"
  | "inputTokens"
  | "outputTokens"
  | "cost"
>;

type ScoreRow = Pick<TraceRow, "promptVersion" | "variant" | "startTime"> &
  Pick<TraceScoreRow, "name" | "value">;

/** Accumulates one group of calls (a version, or a version in one time bucket). */
class Tally {
  calls = 0;
  errors = 0;
  latencies: number[] = [];
  inputTokens = 0;
  outputTokens = 0;
  cost = 0;
  scores = new Map<string, { count: number; sum: number }>();

  addCall(row: CallRow): void {
    this.calls++;
    if (row.status === "error") this.errors++;
    if (row.latencyMs !== null) this.latencies.push(row.latencyMs);
    this.inputTokens += row.inputTokens ?? 0;
    this.outputTokens += row.outputTokens ?? 0;
    this.cost += row.cost ?? 0;
  }

  addScore(row: ScoreRow): void {
    const s = this.scores.get(row.name) ?? { count: 0, sum: 0 };
    s.count++;
    s.sum += row.value;
    this.scores.set(row.name, s);
  }

  figures(): Figures {
    const sorted = this.latencies.sort((a, b) => a - b);
    const round = (n: number | undefined) => (n === undefined ? null : Math.round(n * 1000) / 1000);
    return {
      calls: this.calls,
      errors: this.errors,
      errorRate: this.calls === 0 ? 0 : this.errors / this.calls,
      latencyP50: round(percentile(sorted, 0.5)),
      latencyP95: round(percentile(sorted, 0.95)),
      latencyP99: round(percentile(sorted, 0.99)),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cost: Math.round(this.cost * 1e9) / 1e9,
      avgCostPerCall: this.calls === 0 ? null : Math.round((this.cost / this.calls) * 1e9) / 1e9,
      scores: Object.fromEntries(
        [...this.scores].map(([name, s]) => [name, { count: s.count, mean: s.sum / s.count }]),
      ),
    };
  }
}

/** Start of the hour or day a timestamp falls in, as an ISO string. */
function bucketOf(startTime: string, bucket: "hour" | "day"): string {
  return bucket === "hour"
    ? `${startTime.slice(0, 13)}:00:00.000Z`
    : `${startTime.slice(0, 10)}T00:00:00.000Z`;
}

/** Rollout variants first in this order, then any other variant by name, calls outside a rollout last. */
const VARIANT_ORDER = ["control", "candidate"];

function compareVariants(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null || b === null) return a === null ? 1 : -1;
  const rank = (v: string) => {
    const i = VARIANT_ORDER.indexOf(v);
    return i < 0 ? VARIANT_ORDER.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

const versionRank = (v: number | null) => v ?? Number.MAX_SAFE_INTEGER;

interface Group {
  version: number | null;
  variant: string | null;
  total: Tally;
  series: Map<string, Tally>;
}

/**
 * Totals and time series per version (calls without a version last), or per version and variant
 * when `byVariant`: a running rollout's control and candidates side by side.
 */
export function summarise(
  calls: readonly CallRow[],
  scores: readonly ScoreRow[],
  bucket: "hour" | "day",
  byVariant = false,
): VersionEntry[] {
  const groups = new Map<string, Group>();
  const groupOf = (row: Pick<TraceRow, "promptVersion" | "variant" | "startTime">) => {
    const variant = byVariant ? row.variant : null;
    const key = JSON.stringify([row.promptVersion, variant]);
    let g = groups.get(key);
    if (!g) {
      g = { version: row.promptVersion, variant, total: new Tally(), series: new Map() };
      groups.set(key, g);
    }
    const time = bucketOf(row.startTime, bucket);
    let t = g.series.get(time);
    if (!t) {
      t = new Tally();
      g.series.set(time, t);
    }
    return { total: g.total, inBucket: t };
  };
  for (const row of calls) {
    const g = groupOf(row);
    g.total.addCall(row);
    g.inBucket.addCall(row);
  }
  for (const row of scores) {
    const g = groupOf(row);
    g.total.addScore(row);
    g.inBucket.addScore(row);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        versionRank(a.version) - versionRank(b.version) || compareVariants(a.variant, b.variant),
    )
    .map((g) => ({
      version: g.version,
      ...(byVariant && { variant: g.variant }),
      ...g.total.figures(),
      series: [...g.series]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([time, t]) => ({ time, ...t.figures() })),
    }));
}
