import type { VersionMetrics } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { chartRows, MEASURES, markersOf, scoreMeasures } from "./metricsChart.js";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-03-10T12:20:00.000Z");

/** What the server counts for a bucket with `calls` calls, `errors` of them failed. */
function figures(time: string, calls: number, errors = 0, latency: number | null = 300) {
  return {
    time,
    calls,
    errors,
    errorRate: calls === 0 ? 0 : errors / calls,
    latencyP50: latency,
    latencyP95: latency,
    latencyP99: latency,
    inputTokens: 10 * calls,
    outputTokens: 5 * calls,
    cost: 0.001 * calls,
    avgCostPerCall: 0.001,
    scores: {},
  };
}

/** A version with calls at 09:00 and at 12:00 only: nothing at 10:00 and 11:00. */
const versions: VersionMetrics["versions"] = [
  {
    ...figures("", 4, 1),
    version: 1,
    series: [
      figures("2026-03-10T09:00:00.000Z", 3, 1, 200),
      figures("2026-03-10T12:00:00.000Z", 1, 0, 400),
    ],
  },
];
const measure = (key: string) => {
  const found = MEASURES.find((m) => m.key === key);
  if (!found) throw new Error(`no measure ${key}`);
  return found;
};
const at = (iso: string) => Date.parse(iso);

describe("the dashboard's chart rows", () => {
  it("hold one row per hour of the last 24 hours, a count at 0 where there were no calls", () => {
    const rows = chartRows(versions, measure("calls"), "hour", NOW);
    expect(rows).toHaveLength(25);
    expect(rows[0]?.t).toBe(at("2026-03-09T12:00:00.000Z"));
    expect(rows.at(-1)?.t).toBe(at("2026-03-10T12:00:00.000Z"));
    const around = rows.filter((r) => r.t >= at("2026-03-10T09:00:00.000Z"));
    expect(around.map((r) => r.v1)).toEqual([3, 0, 0, 1]);
    // Every step is one hour: a line goes through each, never across a missing one.
    expect(rows.every((r, i) => i === 0 || r.t - (rows[i - 1]?.t ?? 0) === HOUR)).toBe(true);
    expect(chartRows(versions, measure("errors"), "hour", NOW).at(-2)?.v1).toBe(0);
  });

  it("leave a gap, not a zero, for a rate or a latency in an hour without calls", () => {
    const latency = chartRows(versions, measure("latencyP50"), "hour", NOW);
    const around = latency.filter((r) => r.t >= at("2026-03-10T09:00:00.000Z"));
    expect(around.map((r) => r.v1)).toEqual([200, null, null, 400]);
    const rate = chartRows(versions, measure("errorRate"), "hour", NOW);
    expect(rate.filter((r) => r.t >= at("2026-03-10T09:00:00.000Z")).map((r) => r.v1)).toEqual([
      33.3,
      null,
      null,
      0,
    ]);
  });

  it("cover the last 30 days by the day, each version in its own column", () => {
    const daily: VersionMetrics["versions"] = [
      { ...figures("", 2), version: 1, series: [figures("2026-03-01T00:00:00.000Z", 2)] },
      { ...figures("", 5), version: null, series: [figures("2026-03-10T00:00:00.000Z", 5)] },
    ];
    const rows = chartRows(daily, measure("calls"), "day", NOW);
    expect(rows).toHaveLength(31);
    const last = rows.at(-1);
    expect(last).toEqual({ t: at("2026-03-10T00:00:00.000Z"), v1: 0, draft: 5 });
  });

  it("give each version's variant a column of its own when split by rollout variant", () => {
    const split: VersionMetrics["versions"] = [
      {
        ...figures("", 3, 1),
        version: 2,
        variant: "candidate",
        series: [figures("2026-03-10T12:00:00.000Z", 3, 1, 500)],
      },
      {
        ...figures("", 9),
        version: 1,
        variant: "control",
        series: [figures("2026-03-10T12:00:00.000Z", 9, 0, 300)],
      },
    ];
    const last = chartRows(split, measure("latencyP95"), "hour", NOW).at(-1);
    expect(last).toEqual({
      t: at("2026-03-10T12:00:00.000Z"),
      "candidate v2": 500,
      "control v1": 300,
    });
    expect(chartRows(split, measure("costPerCall"), "hour", NOW).at(-1)?.["control v1"]).toBe(
      0.001,
    );
  });

  it("count only whole calls, errors and tokens on their axis", () => {
    expect(MEASURES.filter((m) => m.whole).map((m) => m.key)).toEqual([
      "calls",
      "errors",
      "tokens",
    ]);
  });

  it("mark the moves of one hour once, as that many changes", () => {
    const move = (at: string, kind: string) => ({
      environment: "production",
      kind,
      fromVersion: 1,
      toVersion: 2,
      actor: "apikey:admin",
      at,
    });
    const markers = markersOf(
      [
        move("2026-03-10T09:05:00.000Z", "deploy"),
        move("2026-03-10T09:45:00.000Z", "rollback"),
        move("2026-03-10T11:00:00.000Z", "deploy"),
      ],
      HOUR,
    );
    expect(markers).toEqual([
      { t: at("2026-03-10T09:00:00.000Z"), rollback: true, label: "2 changes" },
      { t: at("2026-03-10T11:00:00.000Z"), rollback: false, label: "deploy production → v2" },
    ]);
  });

  it("give each scorer but feedback a chart of its mean, on a 0–1 axis, with gaps where nothing was scored", () => {
    const scored = (time: string, scores: Record<string, { count: number; mean: number }>) => ({
      ...figures(time, 2),
      scores,
    });
    const withScores: VersionMetrics["versions"] = [
      {
        ...scored("", { tone: { count: 2, mean: 0.5 }, feedback: { count: 1, mean: 1 } }),
        version: 1,
        series: [
          scored("2026-03-10T09:00:00.000Z", { tone: { count: 1, mean: 0 } }),
          scored("2026-03-10T11:00:00.000Z", { tone: { count: 1, mean: 1 } }),
        ],
      },
      {
        ...scored("", { "mentions-refund": { count: 1, mean: 1 } }),
        version: 2,
        series: [scored("2026-03-10T12:00:00.000Z", { "mentions-refund": { count: 1, mean: 1 } })],
      },
    ];
    const measures = scoreMeasures(withScores);
    expect(measures.map((m) => [m.key, m.label, m.domain])).toEqual([
      ["score:mentions-refund", "mentions-refund (mean score)", [0, 1]],
      ["score:tone", "tone (mean score)", [0, 1]],
    ]);
    const tone = measures[1];
    if (!tone) throw new Error("no tone measure");
    const rows = chartRows(withScores, tone, "hour", NOW).filter(
      (r) => r.t >= at("2026-03-10T09:00:00.000Z"),
    );
    expect(rows.map((r) => [r.v1, r.v2])).toEqual([
      [0, null],
      [null, null],
      [1, null],
      [null, null],
    ]);
  });
});
