import { Anchor, Badge, Paper, Stack, Text, Timeline, Title } from "@mantine/core";
import { Link } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { rolloutLink } from "../rollouts/RolloutHistory.js";
import type { Deployment } from "./queries.js";

/**
 * Every deployment and rollback of the prompt, newest first, with who made it and why; a deploy
 * an admin pushed through a refusing gate says so, with the reason given; a move that ended a
 * rollout links to it.
 */
export function DeploymentTimeline({ history }: { history: Deployment[] }) {
  return (
    <Stack gap="sm" mt="md">
      <Title order={2}>Deployment timeline</Title>
      {history.length === 0 ? (
        <Paper withBorder p="xl">
          <Text c="dimmed" ta="center">
            No deployments yet.
          </Text>
        </Paper>
      ) : (
        <Timeline
          role="list"
          aria-label="Deployment timeline"
          active={history.length - 1}
          bulletSize={14}
          lineWidth={2}
        >
          {history.map((d) => (
            <Timeline.Item
              key={d.id}
              role="listitem"
              color={d.gateOverride ? "red" : d.kind === "rollback" ? "orange" : "blue"}
              title={
                <Text fw={600} size="sm" style={{ overflowWrap: "anywhere" }}>
                  {actorName(d.actor)} {d.kind === "rollback" ? "rolled back" : "deployed"}{" "}
                  {d.environment}: {d.fromVersion === null ? "—" : `v${d.fromVersion}`} → v
                  {d.toVersion}
                </Text>
              }
            >
              {d.gateOverride && (
                <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                  <Badge size="sm" variant="light" color="red" tt="none" mr={6}>
                    gate overridden
                  </Badge>
                  “{d.gateOverride}”
                </Text>
              )}
              {d.reason && d.reason !== d.gateOverride && (
                <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                  “{d.reason}”
                </Text>
              )}
              {d.rolloutId != null && (
                <Anchor component={Link} to={rolloutLink(d.rolloutId)} size="sm">
                  {d.kind === "rollback" ? "Ended" : "Promoted"} rollout #{d.rolloutId}
                </Anchor>
              )}
              <Text size="xs" c="dimmed">
                <Ago at={d.createdAt} /> · {new Date(d.createdAt).toLocaleString()}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Stack>
  );
}
