import type { VersionMetrics } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { actorName } from "../actors.js";
import { api } from "../client.js";
import { ScrollRegion } from "../ScrollRegion.js";

type Figures = VersionMetrics["versions"][number]["series"][number];

const MEASURES: Array<{ key: string; label: string; value: (f: Figures) => number | null }> = [
  { key: "calls", label: "Calls", value: (f) => f.calls },
  { key: "errorRate", label: "Error rate (%)", value: (f) => Math.round(f.errorRate * 1000) / 10 },
  { key: "latencyP50", label: "Latency p50 (ms)", value: (f) => f.latencyP50 },
  { key: "latencyP95", label: "Latency p95 (ms)", value: (f) => f.latencyP95 },
  { key: "tokens", label: "Tokens", value: (f) => f.inputTokens + f.outputTokens },
  { key: "cost", label: "Cost (USD)", value: (f) => f.cost },
  { key: "feedback", label: "Average feedback", value: (f) => f.scores.feedback?.mean ?? null },
];
const COLOURS = ["#2f6fed", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285"];
/** A series' name: calls without a version ran the draft (or did not say which version). */
const versionKey = (version: number | null) => (version === null ? "draft" : `v${version}`);

/** Per version over time, with the deployments and rollbacks that changed what was served. */
export function DashboardPanel({ name }: { name: string }) {
  const [bucket, setBucket] = useState<"day" | "hour">("hour");
  const [measure, setMeasure] = useState(MEASURES[0]?.key ?? "calls");
  const [withPlayground, setWithPlayground] = useState(false);
  const origin = withPlayground ? "all" : "production";
  const metrics = useQuery({
    queryKey: ["prompt", name, "metrics", bucket, origin],
    queryFn: () => api.traces.versionMetrics({ prompt: name, bucket, origin }),
  });
  const chosen = MEASURES.find((m) => m.key === measure) ?? MEASURES[0];

  const rows = new Map<number, Record<string, number | null>>();
  for (const v of metrics.data?.versions ?? []) {
    for (const point of v.series) {
      const t = Date.parse(point.time);
      const row = rows.get(t) ?? { t };
      row[versionKey(v.version)] = chosen ? chosen.value(point) : null;
      rows.set(t, row);
    }
  }
  const data = [...rows.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  const span = bucket === "hour" ? 3_600_000 : 86_400_000;
  const markers = markersOf(metrics.data?.deployments ?? [], span);

  return (
    <section aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">Dashboard</h2>
      <p>
        <label>
          Measure{" "}
          <select value={measure} onChange={(e) => setMeasure(e.target.value)}>
            {MEASURES.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          Per{" "}
          <select value={bucket} onChange={(e) => setBucket(e.target.value as "day" | "hour")}>
            <option value="hour">hour (last 24 hours)</option>
            <option value="day">day (last 30 days)</option>
          </select>
        </label>{" "}
        <label>
          <input
            type="checkbox"
            checked={withPlayground}
            onChange={(e) => setWithPlayground(e.target.checked)}
          />{" "}
          Include playground runs
        </label>
      </p>
      {metrics.isPending && <p className="loading">Loading metrics…</p>}
      {metrics.isError && (
        <p role="alert" className="error">
          The metrics could not be loaded: {metrics.error.message}
        </p>
      )}
      {metrics.data && metrics.data.versions.length === 0 && (
        <p className="empty">No calls recorded for this prompt in the range yet.</p>
      )}
      {metrics.data && metrics.data.versions.length > 0 && (
        <>
          <figure className="chart" aria-label={`${chosen?.label} per version`}>
            <ResponsiveContainer width="100%" height={280}>
              <LineChart data={data} margin={{ top: 20, right: 30, left: 10, bottom: 5 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={[
                    (min: number) => Math.min(min, ...markers.map((m) => m.t)) - span / 2,
                    (max: number) => Math.max(max, ...markers.map((m) => m.t)) + span / 2,
                  ]}
                  tickFormatter={(t: number) =>
                    bucket === "hour"
                      ? new Date(t).toLocaleTimeString()
                      : new Date(t).toLocaleDateString()
                  }
                />
                <YAxis />
                <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
                <Legend />
                {metrics.data.versions.map((v, i) => (
                  <Line
                    key={versionKey(v.version)}
                    dataKey={versionKey(v.version)}
                    stroke={COLOURS[i % COLOURS.length]}
                    connectNulls
                    isAnimationActive={false}
                  />
                ))}
                {markers.map((m) => (
                  <ReferenceLine
                    key={m.t}
                    x={m.t}
                    stroke={m.rollback ? "#c92a2a" : "#495057"}
                    strokeDasharray="4 2"
                    label={{ value: m.label, position: "top", fontSize: 11 }}
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
          {metrics.data.deployments.length > 0 && (
            <details className="moves">
              <summary>
                {metrics.data.deployments.length} deployment
                {metrics.data.deployments.length === 1 ? "" : "s"} and rollbacks in this range
              </summary>
              <ul aria-label="Deployments in this range">
                {metrics.data.deployments.map((d) => (
                  <li key={`${d.at}-${d.environment}`}>
                    {new Date(d.at).toLocaleString()}: {moveText(d)} by {actorName(d.actor)}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <ScrollRegion label="Per version totals, scrollable">
            <table aria-label="Per version totals">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Error rate</th>
                  <th scope="col">p50</th>
                  <th scope="col">p95</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Cost / call</th>
                  <th scope="col">Feedback</th>
                </tr>
              </thead>
              <tbody>
                {metrics.data.versions.map((v) => (
                  <tr key={versionKey(v.version)}>
                    <td>{versionKey(v.version)}</td>
                    <td>{v.calls}</td>
                    <td>{(v.errorRate * 100).toFixed(1)}%</td>
                    <td>{v.latencyP50 === null ? "—" : `${Math.round(v.latencyP50)} ms`}</td>
                    <td>{v.latencyP95 === null ? "—" : `${Math.round(v.latencyP95)} ms`}</td>
                    <td>{v.inputTokens + v.outputTokens}</td>
                    <td>${v.cost.toFixed(6)}</td>
                    <td>{v.avgCostPerCall === null ? "—" : `$${v.avgCostPerCall.toFixed(6)}`}</td>
                    <td>
                      {v.scores.feedback
                        ? `${v.scores.feedback.mean.toFixed(2)} (${v.scores.feedback.count})`
                        : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      )}
    </section>
  );
}

type Move = VersionMetrics["deployments"][number];

const moveText = (d: Move) => `${d.kind} ${d.environment} → v${d.toVersion}`;

/**
 * The deployments as chart markers: each at the start of its bucket, where the calls it changed
 * are drawn, and one marker per bucket however many moves it holds (their times are listed under
 * the chart), so that markers never print over each other.
 */
function markersOf(moves: Move[], span: number) {
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
