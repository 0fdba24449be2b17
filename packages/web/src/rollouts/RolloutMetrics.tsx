import { Alert, Anchor, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { ROLLOUT_VARIANTS, type Rollout } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api } from "../client.js";
import { MetricsLineChart } from "../prompt/MetricsLineChart.js";
import { type Bucket, MEASURES } from "../prompt/metricsChart.js";
import { rolloutLink } from "./RolloutHistory.js";

/** What a rollout is watched on, side by side for its control and its candidates. */
const WATCHED = ["latencyP95", "errorRate", "costPerCall"].flatMap((key) =>
  MEASURES.filter((m) => m.key === key),
);

/** One rollout's control and candidates over the dashboard's range, on its environment's calls. */
function RolloutSeries({ rollout, bucket }: { rollout: Rollout; bucket: Bucket }) {
  const { name, environment } = rollout;
  const metrics = useQuery({
    queryKey: ["prompt", name, "metrics", bucket, "variant", environment],
    queryFn: ({ signal }) =>
      api.traces.versionMetrics(
        { prompt: name, bucket, label: environment, groupBy: "variant" },
        { signal },
      ),
  });
  const versions = [rollout.control, ...rollout.candidates];
  const served = metrics.data?.versions.filter(
    (v) =>
      v.variant != null &&
      (ROLLOUT_VARIANTS as readonly string[]).includes(v.variant) &&
      v.version !== null &&
      versions.includes(v.version),
  );
  const title = `Rollout on ${environment}: control v${rollout.control} against ${rollout.candidates.map((v) => `candidate v${v}`).join(", ")}`;
  return (
    <Stack component="section" aria-label={title} gap="sm">
      <Title order={3} style={{ overflowWrap: "anywhere" }}>
        {title}
      </Title>
      <Anchor component={Link} to={rolloutLink(rollout.id)} size="sm">
        The rollout, live
      </Anchor>
      {metrics.isError && (
        <Alert color="red" title="The rollout's metrics could not be loaded">
          {metrics.error.message}
        </Alert>
      )}
      {served && served.length === 0 && (
        <Text size="sm" c="dimmed">
          No calls served by the rollout in this range yet.
        </Text>
      )}
      {metrics.data && served && served.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
          {WATCHED.map((measure) => (
            <MetricsLineChart
              key={measure.key}
              metrics={{ ...metrics.data, versions: served }}
              measure={measure}
              bucket={bucket}
              now={metrics.dataUpdatedAt}
              height={200}
              caption={`${measure.label}, per variant`}
              label={`${measure.label}, per variant`}
            />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/**
 * The dashboard's per-variant series while a rollout runs: p95 latency, error rate and cost per
 * call of the control and each candidate, from the calls each variant served.
 */
export function RolloutMetrics({ rollouts, bucket }: { rollouts: Rollout[]; bucket: Bucket }) {
  if (rollouts.length === 0) return null;
  return (
    <Stack gap="md">
      {rollouts.map((rollout) => (
        <RolloutSeries key={rollout.id} rollout={rollout} bucket={bucket} />
      ))}
    </Stack>
  );
}
