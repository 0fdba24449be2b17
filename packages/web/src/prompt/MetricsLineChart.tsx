import { Paper, Text } from "@mantine/core";
import type { VersionMetrics } from "@promptline/core";
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
import {
  type Bucket,
  chartRows,
  type Measure,
  markersOf,
  seriesKey,
  spanOf,
} from "./metricsChart.js";

/** The series' lines, in the theme's colours (dark mode has its own shades of each). */
const COLOURS = ["blue", "orange", "teal", "grape", "yellow", "cyan"].map(
  (colour) => `var(--mantine-color-${colour}-filled)`,
);
const AXIS = { fill: "var(--mantine-color-dimmed)", fontSize: 12 };

/** The measure per version over the range, one line each, the label moves marked. */
export function MetricsLineChart({
  metrics,
  measure,
  bucket,
  now,
  height = 300,
  caption,
  label,
}: {
  metrics: VersionMetrics;
  measure: Measure;
  bucket: Bucket;
  now: number;
  height?: number;
  /** Said above the chart where no control names the measure. */
  caption?: string;
  /** What the chart is called, for assistive technology: the measure per version by default. */
  label?: string;
}) {
  const data = chartRows(metrics.versions, measure, bucket, now);
  const span = spanOf(bucket);
  const markers = markersOf(metrics.deployments, span);
  const time = (t: number) =>
    new Date(t).toLocaleString(
      undefined,
      bucket === "hour"
        ? { hour: "2-digit", minute: "2-digit" }
        : { month: "short", day: "numeric" },
    );
  return (
    <Paper
      component="figure"
      withBorder
      p="sm"
      m={0}
      aria-label={label ?? `${measure.label} per version`}
    >
      {caption && (
        <Text component="figcaption" size="sm" fw={600} mb={4}>
          {caption}
        </Text>
      )}
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={data} margin={{ top: 24, right: 24, left: 0, bottom: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[
              (min: number) => Math.min(min, ...markers.map((m) => m.t)) - span / 2,
              (max: number) => Math.max(max, ...markers.map((m) => m.t)) + span / 2,
            ]}
            tickFormatter={time}
            tick={AXIS}
            stroke="var(--mantine-color-default-border)"
            minTickGap={24}
          />
          <YAxis
            allowDecimals={!measure.whole}
            {...(measure.domain && { domain: measure.domain })}
            tick={AXIS}
            stroke="var(--mantine-color-default-border)"
            width={56}
          />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            contentStyle={{
              background: "var(--mantine-color-body)",
              border: "1px solid var(--mantine-color-default-border)",
              borderRadius: "var(--mantine-radius-sm)",
            }}
          />
          <Legend />
          {metrics.versions.map((v, i) => (
            <Line
              key={seriesKey(v)}
              dataKey={seriesKey(v)}
              stroke={COLOURS[i % COLOURS.length]}
              strokeWidth={2}
              dot={{ r: 2 }}
              isAnimationActive={false}
            />
          ))}
          {markers.map((m) => (
            <ReferenceLine
              key={m.t}
              x={m.t}
              stroke={
                m.rollback ? "var(--mantine-color-red-filled)" : "var(--mantine-color-dimmed)"
              }
              strokeDasharray="4 2"
              label={{
                value: m.label,
                position: "top",
                fontSize: 11,
                fill: "var(--mantine-color-text)",
              }}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Paper>
  );
}
