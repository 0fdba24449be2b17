import { Anchor, Badge, Group, List, Stack, Text } from "@mantine/core";
import type { PromptGateStatus } from "@promptline/core";
import { Link } from "react-router";

/** Each run the verdict rests on, as a link to its page. */
export function RunLinks({ runs }: { runs: Array<{ id: string; url: string }> }) {
  if (runs.length === 0) return null;
  return (
    <Group gap="xs">
      {runs.map((run, index) => (
        <Anchor key={run.id} component={Link} to={run.url} size="xs">
          {runs.length === 1 ? "See the run" : `See run ${index + 1}`}
        </Anchor>
      ))}
    </Group>
  );
}

/**
 * Whether an environment's gate would let the version picked for it through: passes, refuses
 * (with each unmet requirement and its numbers, and the runs behind them), or has no policy.
 */
export function GateLine({
  status,
  version,
}: {
  status: PromptGateStatus | undefined;
  version: number | undefined;
}) {
  if (!status || version === undefined) return null;
  const { environment } = status;
  if (status.serves === version) {
    return (
      <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
        {environment} serves v{version} already: no gate to pass.
      </Text>
    );
  }
  if (!status.hasPolicy) {
    return (
      <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
        No gate: {environment} has no gate policy.
      </Text>
    );
  }
  if (status.passed) {
    return (
      <Group gap={6} aria-label={`Gate of ${environment}`}>
        <Badge size="sm" variant="light" color="green" tt="none">
          gate passes
        </Badge>
        <Text size="xs" c="dimmed">
          v{version} as a {status.level} change
        </Text>
        <RunLinks runs={status.runs} />
      </Group>
    );
  }
  return (
    <Stack gap={2} aria-label={`Gate of ${environment}`} maw={460}>
      <Group gap={6}>
        <Badge size="sm" variant="light" color="red" tt="none">
          gate refuses
        </Badge>
        <Text size="xs">
          v{version} as a {status.level} change:
        </Text>
      </Group>
      <List size="xs" spacing={2} style={{ overflowWrap: "anywhere" }}>
        {status.unmet.map((u) => (
          <List.Item key={u.message}>{u.message}</List.Item>
        ))}
      </List>
      <RunLinks runs={status.runs} />
    </Stack>
  );
}
