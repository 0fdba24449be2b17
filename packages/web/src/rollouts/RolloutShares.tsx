import { Anchor, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import { useActiveRollouts } from "./queries.js";
import { rolloutLink } from "./RolloutHistory.js";
import { versionShares } from "./rolloutText.js";

/**
 * A version's share in each environment where a rollout runs with it ("production: 25 %
 * (canary)"), each a link to the rollout; nothing where it takes part in none.
 */
export function RolloutShares({
  name,
  version,
  none,
}: {
  name: string;
  version: number;
  /** Said when the version takes part in no rollout (nothing by default). */
  none?: string;
}) {
  const rollouts = useActiveRollouts(name);
  const shares = versionShares(rollouts.data?.items ?? [], version);
  if (shares.length === 0) return none ? <Text span>{none}</Text> : null;
  return (
    <Stack gap={2} aria-label={`Rollout shares of v${version}`}>
      {shares.map(({ rollout, text }) => (
        <Anchor
          key={rollout.id}
          component={Link}
          to={rolloutLink(rollout.id)}
          size="xs"
          style={{ whiteSpace: "nowrap" }}
        >
          {text}
        </Anchor>
      ))}
    </Stack>
  );
}
