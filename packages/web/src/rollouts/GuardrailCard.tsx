import { Badge, Group, Paper, Stack, Text } from "@mantine/core";
import type { Guardrail, GuardrailCheck, RolloutDetail } from "@promptline/core";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { guardrailInWords, signedValue } from "./guardrailForm.js";
import { figuresInWords, guardrailSeries, latestCheck } from "./rolloutText.js";

const AXIS = { fill: "var(--mantine-color-dimmed)", fontSize: 12 };
const BORDER = "var(--mantine-color-default-border)";

const STATE: Record<GuardrailCheck["state"], { label: string; colour: string }> = {
  healthy: { label: "healthy", colour: "green" },
  breached: { label: "breached", colour: "red" },
  unknown: { label: "waiting for data", colour: "gray" },
};

/**
 * One guardrail for one candidate: its state now, the newest figures, and the difference
 * (candidate − control) over time with its always-valid interval as a band, against zero and the
 * tolerated limit. The chart is also said in words.
 */
export function GuardrailCard({
  detail,
  guardrail,
  candidate,
}: {
  detail: Pick<RolloutDetail, "checks" | "control" | "candidates">;
  guardrail: Guardrail;
  candidate: number;
}) {
  const points = guardrailSeries(detail, guardrail.metric, candidate);
  const check = latestCheck(detail, guardrail.metric, candidate);
  const state = check ? STATE[check.state] : { label: "not looked at yet", colour: "gray" };
  const limit = check ? (guardrail.worseWhen === "higher" ? check.allowed : -check.allowed) : null;
  const words = guardrailInWords(guardrail);
  const title =
    detail.candidates.length > 1 ? `${words} (v${candidate} against v${detail.control})` : words;
  const time = (t: number) =>
    new Date(t).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const value = (v: unknown) =>
    Array.isArray(v)
      ? `${signedValue(guardrail.metric, Number(v[0]))} to ${signedValue(guardrail.metric, Number(v[1]))}`
      : signedValue(guardrail.metric, Number(v));
  return (
    <Paper component="article" withBorder p="sm" aria-label={`Guardrail: ${title}`}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Text fw={600} style={{ overflowWrap: "anywhere" }}>
            {title}
          </Text>
          <Badge variant="light" color={state.colour} tt="none">
            {state.label}
          </Badge>
        </Group>
        {check?.reason && (
          <Text size="sm" c={check.state === "breached" ? "red" : "dimmed"}>
            {check.reason}
          </Text>
        )}
        {check && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {figuresInWords(check, guardrail)}
          </Text>
        )}
        {points.length > 0 && (
          <figure style={{ margin: 0 }} aria-label={`${title}: the difference over time`}>
            <ResponsiveContainer width="100%" height={180}>
              <ComposedChart data={points} margin={{ top: 8, right: 28, left: 0, bottom: 4 }}>
                <CartesianGrid strokeDasharray="3 3" stroke={BORDER} />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={["dataMin", "dataMax"]}
                  padding={{ left: 8, right: 8 }}
                  tickFormatter={time}
                  tick={AXIS}
                  stroke={BORDER}
                  minTickGap={24}
                />
                <YAxis
                  tick={AXIS}
                  stroke={BORDER}
                  width={76}
                  tickFormatter={(v: number) => signedValue(guardrail.metric, v)}
                />
                <Tooltip
                  labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
                  formatter={(v, name) => [
                    value(v),
                    name === "band" ? "95 % interval" : "difference",
                  ]}
                  contentStyle={{
                    background: "var(--mantine-color-body)",
                    border: `1px solid ${BORDER}`,
                    borderRadius: "var(--mantine-radius-sm)",
                  }}
                />
                <Area
                  dataKey="band"
                  stroke="none"
                  fill="var(--mantine-color-blue-filled)"
                  fillOpacity={0.2}
                  isAnimationActive={false}
                  connectNulls={false}
                />
                <Line
                  dataKey="difference"
                  stroke="var(--mantine-color-blue-filled)"
                  strokeWidth={2}
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                />
                <ReferenceLine
                  y={0}
                  stroke="var(--mantine-color-dimmed)"
                  strokeDasharray="3 3"
                  ifOverflow="extendDomain"
                />
                {limit !== null && (
                  <ReferenceLine
                    y={limit}
                    ifOverflow="extendDomain"
                    stroke="var(--mantine-color-red-filled)"
                    strokeDasharray="4 2"
                    label={{
                      value: "tolerated",
                      position: "insideTopLeft",
                      fontSize: 11,
                      fill: "var(--mantine-color-text)",
                    }}
                  />
                )}
              </ComposedChart>
            </ResponsiveContainer>
          </figure>
        )}
      </Stack>
    </Paper>
  );
}
