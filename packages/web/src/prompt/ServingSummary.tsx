import { Badge, Group, Paper, Text } from "@mantine/core";
import type { PromptVersion } from "@promptline/core";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { percentText } from "../rollouts/percent.js";
import { useActiveRollouts } from "../rollouts/queries.js";
import { activeByEnvironment, candidateShares } from "../rollouts/rolloutText.js";

/** Production in the colour of what matters most; every other environment alike. */
export const environmentColour = (environment: string) =>
  environment === "production" ? "grape" : "blue";

/**
 * At a glance, what each environment serves: one small card per environment with the version,
 * its semver, who published it and when, and the candidates' shares while a rollout runs there.
 */
export function ServingSummary({
  name,
  labels,
  versions,
}: {
  name: string;
  labels: Record<string, number>;
  versions: PromptVersion[];
}) {
  const rollouts = activeByEnvironment(useActiveRollouts(name).data?.items ?? []);
  const served = Object.entries(labels).filter(([label]) => label !== "latest");
  if (served.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Not deployed to any environment yet.
      </Text>
    );
  }
  return (
    <Group
      component="ul"
      aria-label="What each environment serves"
      gap="sm"
      p={0}
      m={0}
      style={{ listStyle: "none" }}
    >
      {served.map(([label, number]) => {
        const version = versions.find((v) => v.version === number);
        const rollout = rollouts.get(label);
        return (
          <Paper component="li" key={label} withBorder px="sm" py={6} maw="100%">
            <Group gap={8}>
              <Badge variant="light" color={environmentColour(label)} tt="none">
                {label}
              </Badge>{" "}
              <Text span fw={700}>
                v{number}
              </Text>
              {version && (
                <Text span size="xs" c="dimmed">
                  {" "}
                  {version.semver} · {actorName(version.author)} · <Ago at={version.createdAt} />
                </Text>
              )}
              {rollout && (
                <Text span size="xs" fw={600}>
                  {" "}
                  rollout:{" "}
                  {candidateShares(rollout)
                    .map((c) => `v${c.version} at ${percentText(c.weight)}`)
                    .join(", ")}
                </Text>
              )}
            </Group>
          </Paper>
        );
      })}
    </Group>
  );
}
