import { Alert, Badge, Group, Paper, SimpleGrid, Text, Title } from "@mantine/core";
import { money } from "../money.js";
import { type Served, selectorText } from "./ColumnPicker.js";
import type { RunState } from "./stream.js";
import type { Column } from "./usePlaygroundRun.js";

/** A finished run's latency, tokens and cost (the cost once its trace is written). */
function figures(run: RunState, cost: number | null | undefined): string[] {
  const priced =
    cost === undefined ? "cost…" : cost === null ? "no price for this model" : money(cost);
  return [
    // Timed here, in the browser: the trace's latency is the provider's alone, so it is shorter.
    `${Math.round(run.latencyMs ?? 0)} ms round trip (first token ${Math.round(run.firstTokenMs ?? 0)} ms)`,
    `${run.usage?.prompt_tokens ?? "?"} in / ${run.usage?.completion_tokens ?? "?"} out tokens`,
    priced,
  ];
}

/** Each column's output as it streams, then its latency, tokens and cost: a card per column. */
export function RunResults({
  columns,
  served,
}: {
  columns: Column[];
  served?: Served | undefined;
}) {
  return (
    <SimpleGrid cols={{ base: 1, md: Math.min(columns.length, 3) }} spacing="md">
      {columns.map(({ selector, run, cost }, index) => (
        <Paper
          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions on the screen
          key={index}
          component="section"
          aria-label={`Result ${index + 1}`}
          withBorder
          p="md"
          miw={0}
        >
          <Group justify="space-between" mb="xs" wrap="nowrap">
            <Title order={2} size="h4">
              {selectorText(selector, served)}
            </Title>
            {run?.status === "running" && (
              <Badge variant="light" color="blue">
                running
              </Badge>
            )}
          </Group>
          {!run && <Text c="dimmed">Not run yet.</Text>}
          {run?.error && (
            <Alert color="red" mb="xs">
              {run.error}
            </Alert>
          )}
          {run && (run.output || !run.error) && (
            <Text size="xs" c="dimmed" fw={600} tt="uppercase" aria-hidden="true">
              Output
            </Text>
          )}
          {run && (run.output || !run.error) && (
            <Text
              component="output"
              aria-label={`Output ${index + 1}`}
              display="block"
              ff="monospace"
              size="sm"
              mih="2rem"
              style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
            >
              {run.output}
            </Text>
          )}
          {run?.status === "done" && (
            <Group gap={6} mt="sm">
              {figures(run, cost).map((figure) => (
                <Badge key={figure} variant="light" color="gray" tt="none">
                  {figure}
                </Badge>
              ))}
            </Group>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}
