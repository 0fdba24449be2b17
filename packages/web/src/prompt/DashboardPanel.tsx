import {
  Accordion,
  Alert,
  Checkbox,
  Group,
  Input,
  List,
  NativeSelect,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import type { VersionMetrics } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { actorName } from "../actors.js";
import { api } from "../client.js";
import { Loading } from "../Loading.js";
import { money } from "../money.js";
import { useActiveRollouts } from "../rollouts/queries.js";
import { RolloutMetrics } from "../rollouts/RolloutMetrics.js";
import { ScrollRegion } from "../ScrollRegion.js";
import { MetricsLineChart } from "./MetricsLineChart.js";
import { type Bucket, MEASURES, moveText, scoreMeasures, versionKey } from "./metricsChart.js";

const RANGES: Record<Bucket, string> = { hour: "the last 24 hours", day: "the last 30 days" };

/** Per version over time, with the deployments and rollbacks that changed what was served. */
export function DashboardPanel({ name }: { name: string }) {
  const [bucket, setBucket] = useState<Bucket>("hour");
  const [measure, setMeasure] = useState(MEASURES[0]?.key ?? "calls");
  const [withPlayground, setWithPlayground] = useState(false);
  const perLabel = useId();
  const origin = withPlayground ? "all" : "production";
  const metrics = useQuery({
    queryKey: ["prompt", name, "metrics", bucket, origin],
    queryFn: () => api.traces.versionMetrics({ prompt: name, bucket, origin }),
  });
  const chosen = MEASURES.find((m) => m.key === measure) ?? MEASURES[0];
  const rollouts = useActiveRollouts(name);

  return (
    <Stack component="section" aria-labelledby="dashboard-title" gap="md">
      <Title order={2} id="dashboard-title">
        Metrics
      </Title>
      <Group align="flex-end" gap="md" wrap="wrap">
        <NativeSelect
          label="Measure"
          value={measure}
          onChange={(e) => setMeasure(e.currentTarget.value)}
          data={MEASURES.map((m) => ({ value: m.key, label: m.label }))}
          w={220}
          maw="100%"
        />
        <Stack gap={4}>
          <Input.Label labelElement="div" id={perLabel}>
            Per
          </Input.Label>
          <Group gap="xs" wrap="nowrap">
            <SegmentedControl
              aria-labelledby={perLabel}
              value={bucket}
              onChange={(value) => setBucket(value as Bucket)}
              data={[
                { value: "hour", label: "Hour" },
                { value: "day", label: "Day" },
              ]}
            />
            <Text size="sm" c="dimmed">
              over {RANGES[bucket]}
            </Text>
          </Group>
        </Stack>
        <Checkbox
          label="Include playground runs"
          checked={withPlayground}
          onChange={(e) => setWithPlayground(e.currentTarget.checked)}
          mb={8}
        />
      </Group>
      {metrics.isPending && <Loading what="metrics" lines={6} />}
      {metrics.isError && (
        <Alert color="red" title="The metrics could not be loaded">
          {metrics.error.message}
        </Alert>
      )}
      {metrics.data && metrics.data.versions.length === 0 && (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            No calls recorded for this prompt in the range yet.
          </Text>
        </Paper>
      )}
      {metrics.data && metrics.data.versions.length > 0 && chosen && (
        <>
          <MetricsLineChart
            metrics={metrics.data}
            measure={chosen}
            bucket={bucket}
            now={metrics.dataUpdatedAt}
          />
          {metrics.data.deployments.length > 0 && <Moves moves={metrics.data.deployments} />}
          <RolloutMetrics rollouts={rollouts.data?.items ?? []} bucket={bucket} />
          <ScoreCharts metrics={metrics.data} bucket={bucket} now={metrics.dataUpdatedAt} />
          <Totals versions={metrics.data.versions} />
        </>
      )}
    </Stack>
  );
}

/** Each scorer's mean over time per version (online evaluation), deployments marked alike. */
function ScoreCharts({
  metrics,
  bucket,
  now,
}: {
  metrics: VersionMetrics;
  bucket: Bucket;
  now: number;
}) {
  const measures = scoreMeasures(metrics.versions);
  const rules = useQuery({
    queryKey: ["prompt", metrics.prompt, "online-evaluations"],
    queryFn: () => api.onlineEvaluations.list({ prompt: metrics.prompt }),
  });
  if (measures.length === 0 && !rules.data?.items.length) return null;
  return (
    <Stack component="section" aria-labelledby="score-charts-title" gap="sm">
      <Title order={3} id="score-charts-title">
        Scores
      </Title>
      <Text size="sm" c="dimmed">
        Each scorer's mean per {bucket} (0 to 1), from online evaluation and the scores sent with
        traces.
      </Text>
      {rules.data && rules.data.items.length > 0 && (
        <List size="sm" aria-label="Online evaluation rules">
          {rules.data.items.map((r) => (
            <List.Item key={r.environment}>
              {r.environment}: {Math.round(r.rate * 1000) / 10}% of production calls scored by{" "}
              {r.scorers.map((spec) => spec.name ?? spec.type).join(", ")}
            </List.Item>
          ))}
        </List>
      )}
      {measures.map((measure) => (
        <MetricsLineChart
          key={measure.key}
          metrics={metrics}
          measure={measure}
          bucket={bucket}
          now={now}
          height={200}
          caption={measure.label}
        />
      ))}
    </Stack>
  );
}

/** The label moves of the range, with their times (the chart marks one per hour or day). */
function Moves({ moves }: { moves: VersionMetrics["deployments"] }) {
  return (
    <Accordion variant="contained">
      <Accordion.Item value="moves">
        <Accordion.Control>
          {moves.length} deployment{moves.length === 1 ? "" : "s"} and rollbacks in this range
        </Accordion.Control>
        <Accordion.Panel>
          <List size="sm" spacing={4} aria-label="Deployments in this range">
            {moves.map((d) => (
              <List.Item key={`${d.at}-${d.environment}`}>
                {new Date(d.at).toLocaleString()}: {moveText(d)} by {actorName(d.actor)}
              </List.Item>
            ))}
          </List>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}

/** Each version's totals over the range. */
function Totals({ versions }: { versions: VersionMetrics["versions"] }) {
  const headings = ["Calls", "Error rate", "p50", "p95", "Tokens", "Cost", "Cost / call"];
  return (
    <ScrollRegion label="Per version totals, scrollable">
      <Paper withBorder>
        <Table aria-label="Per version totals" tabularNums style={{ whiteSpace: "nowrap" }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Version</Table.Th>
              {[...headings, "Feedback (mean, 0–1)"].map((h) => (
                <Table.Th key={h} scope="col" ta="right">
                  {h}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => (
              <Table.Tr key={versionKey(v.version)}>
                <Table.Td fw={600}>{versionKey(v.version)}</Table.Td>
                <Table.Td ta="right">{v.calls}</Table.Td>
                <Table.Td ta="right">{(v.errorRate * 100).toFixed(1)}%</Table.Td>
                <Table.Td ta="right">
                  {v.latencyP50 === null ? "—" : `${Math.round(v.latencyP50)} ms`}
                </Table.Td>
                <Table.Td ta="right">
                  {v.latencyP95 === null ? "—" : `${Math.round(v.latencyP95)} ms`}
                </Table.Td>
                <Table.Td ta="right">{v.inputTokens + v.outputTokens}</Table.Td>
                <Table.Td ta="right">{money(v.cost)}</Table.Td>
                <Table.Td ta="right">{money(v.avgCostPerCall)}</Table.Td>
                <Table.Td ta="right">
                  {v.scores.feedback
                    ? `${v.scores.feedback.mean.toFixed(2)} (${v.scores.feedback.count})`
                    : "—"}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </ScrollRegion>
  );
}
