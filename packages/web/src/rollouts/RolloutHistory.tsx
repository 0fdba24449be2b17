import { Anchor, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { useRecentRollouts } from "./queries.js";
import { STATUS_COLOURS, STATUS_WORDS } from "./rolloutText.js";

/** The address of a rollout's live view, from the prompt's page. */
export const rolloutLink = (id: number) =>
  `?${new URLSearchParams({ tab: "environments", rollout: String(id) })}`;

/**
 * The prompt's latest rollouts, running or ended, newest first: each a link to its view, so one
 * that was promoted, aborted or rolled back can still be read with its decisions.
 */
export function RolloutHistory({ name }: { name: string }) {
  const rollouts = useRecentRollouts(name);
  const items = rollouts.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="sm" mt="md" component="section" aria-labelledby="rollout-history-title">
      <Title order={2} id="rollout-history-title">
        Rollouts
      </Title>
      <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }}>
        {items.map((r) => (
          <Paper component="li" key={r.id} withBorder px="sm" py={6}>
            <Group gap="xs" wrap="wrap">
              <Anchor component={Link} to={rolloutLink(r.id)} fw={600}>
                #{r.id} {r.environment}: v{r.control} →{" "}
                {r.candidates.map((v) => `v${v}`).join(", ")}
              </Anchor>
              <Badge variant="light" color={STATUS_COLOURS[r.status]} tt="none">
                {STATUS_WORDS[r.status]}
              </Badge>
              <Text size="sm" c="dimmed">
                a {r.strategy} started by {actorName(r.startedBy)} <Ago at={r.startedAt} />
              </Text>
            </Group>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}
