import { Alert, Anchor, Button, Group, List, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { RunLinks } from "./GateLine.js";
import type { GateRefusal } from "./queries.js";

/**
 * A deploy the environment's gate refused, said where it happened (not only in a corner): every
 * unmet requirement with its numbers, the runs behind them, how to fix it (evaluate the version),
 * and for an admin the way through: an override that asks why.
 */
export function GateRefusalPanel({
  refusal,
  prompt,
  mayOverride,
  onOverride,
  onDismiss,
}: {
  refusal: GateRefusal;
  prompt: string;
  mayOverride: boolean;
  onOverride: () => void;
  onDismiss: () => void;
}) {
  const version = refusal.version;
  const evaluate = `/evaluations/new?${new URLSearchParams({
    prompt,
    ...(version !== null && { version: String(version) }),
  })}`;
  return (
    <Alert
      color="red"
      role="alert"
      title={`The gate of ${refusal.environment} refused v${version ?? "?"} (a ${refusal.level} change)`}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onDismiss}
      styles={{ title: { overflowWrap: "anywhere" } }}
    >
      <Stack gap="xs">
        <Text size="sm">
          Nothing was deployed. What the gate requires and the version has not shown:
        </Text>
        <List
          size="sm"
          spacing={4}
          style={{ overflowWrap: "anywhere" }}
          aria-label="Unmet requirements"
        >
          {refusal.unmet.map((u) => (
            <List.Item key={u.message}>
              {u.message}
              {u.runId && (
                <>
                  {" "}
                  <Anchor
                    component={Link}
                    to={`/evaluations/${u.runId}`}
                    size="sm"
                    underline="always"
                  >
                    (the run)
                  </Anchor>
                </>
              )}
            </List.Item>
          ))}
        </List>
        {/* The runs no unmet requirement above links to already. */}
        <RunLinks runs={refusal.runs.filter((r) => !refusal.unmet.some((u) => u.runId === r.id))} />
        <Group gap="sm">
          <Button component={Link} to={evaluate} variant="default" size="xs">
            Evaluate v{version ?? "?"}
          </Button>
          {mayOverride ? (
            <Button color="red" variant="light" size="xs" onClick={onOverride}>
              Override the gate
            </Button>
          ) : (
            <Text size="xs" c="dimmed">
              Only an admin can deploy through a gate.
            </Text>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
