import { Anchor, Badge, Button, Group, NativeSelect, Stack, Text, Tooltip } from "@mantine/core";
import type { PromptVersion } from "@promptline/core";
import { Link } from "react-router";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { rolloutLink } from "../rollouts/RolloutHistory.js";
import { rolloutLine } from "../rollouts/rolloutText.js";
import type { EnvironmentRow } from "./environmentRows.js";
import { environmentColour } from "./ServingSummary.js";

/** A change to what an environment serves. */
export type Move =
  | { kind: "deploy"; environment: string; version: number }
  | { kind: "rollback"; environment: string };

/** What one environment's controls do: pick a version, deploy it, roll back. */
export interface Actions {
  versions: PromptVersion[];
  pending: Move | undefined;
  pick: (environment: string, version: number) => void;
  deploy: (row: EnvironmentRow) => void;
  rollBack: (row: EnvironmentRow) => void;
}

/** The environment's name, and whether it is protected. */
export function EnvironmentName({ row }: { row: EnvironmentRow }) {
  const { name } = row.environment;
  return (
    <Group gap={6}>
      <Badge variant="light" color={environmentColour(name)} tt="none" size="lg">
        {name}
      </Badge>
      {row.environment.protected && (
        <Badge variant="dot" color="orange" tt="none" size="sm">
          protected
        </Badge>
      )}
    </Group>
  );
}

/** Who moved the environment last, and when. */
export function LastChange({ row }: { row: EnvironmentRow }) {
  if (!row.last) {
    return (
      <Text size="sm" c="dimmed">
        Never deployed
      </Text>
    );
  }
  return (
    <Text size="sm" c="dimmed">
      {row.last.kind === "rollback" ? "Rolled back" : "Deployed"} by {actorName(row.last.actor)}{" "}
      <Ago at={row.last.createdAt} />
    </Text>
  );
}

/**
 * Why a control is off, in words beside it: the key may not move this environment, there is
 * nothing to deploy or it is served already, there is nothing to roll back.
 */
export function WhyNot({
  row,
  about = "all",
}: {
  row: EnvironmentRow;
  /** One control's reason, said under it (on a phone), or all of them under the row's controls. */
  about?: "all" | "refusal" | "deploy" | "rollback" | "start";
}) {
  const reasons = row.refusal
    ? about === "all" || about === "refusal"
      ? [row.refusal]
      : []
    : [
        ...new Set(
          [
            (about === "all" || about === "deploy") && row.cannotDeploy,
            (about === "all" || about === "rollback") && row.cannotRollBack,
            (about === "all" || about === "start") && row.cannotStart,
          ].filter((r): r is string => typeof r === "string"),
        ),
      ];
  if (reasons.length === 0) return null;
  return (
    <Stack gap={2}>
      {reasons.map((reason) => (
        <Text key={reason} size="xs" c="dimmed" maw={420} style={{ overflowWrap: "anywhere" }}>
          {reason}
        </Text>
      ))}
    </Stack>
  );
}

/** Which version to deploy; labelled in words on a phone, for a screen reader in the table. */
export function VersionPicker({
  row,
  actions,
  labelled = false,
}: {
  row: EnvironmentRow;
  actions: Actions;
  labelled?: boolean;
}) {
  const { name } = row.environment;
  const label = `Version to deploy to ${name}`;
  return (
    <NativeSelect
      {...(labelled ? { label } : { "aria-label": label })}
      // A long environment name wraps in the label instead of widening a phone's page.
      styles={{ label: { overflowWrap: "anywhere" } }}
      maw="100%"
      value={row.selected ?? ""}
      onChange={(e) => actions.pick(name, Number(e.currentTarget.value))}
      data={actions.versions.map((v) => ({
        value: String(v.version),
        label: `v${v.version} (${v.semver})`,
      }))}
      disabled={actions.versions.length === 0 || Boolean(row.refusal)}
      miw={130}
    />
  );
}

/** Deploys the picked version, off (with the reason beside it) when it cannot. */
export function DeployButton({
  row,
  actions,
  fullWidth = false,
}: {
  row: EnvironmentRow;
  actions: Actions;
  fullWidth?: boolean;
}) {
  const { name } = row.environment;
  const pending = actions.pending;
  return (
    <Button
      fullWidth={fullWidth}
      disabled={Boolean(row.refusal || row.cannotDeploy) || pending !== undefined}
      loading={pending?.kind === "deploy" && pending.environment === name}
      onClick={() => actions.deploy(row)}
    >
      Deploy to {name}
    </Button>
  );
}

/** Undoes the newest move, off (with the reason beside it) when there is none. */
export function RollbackButton({
  row,
  actions,
  fullWidth = false,
}: {
  row: EnvironmentRow;
  actions: Actions;
  fullWidth?: boolean;
}) {
  const { name } = row.environment;
  const pending = actions.pending;
  const button = (
    <Button
      variant="default"
      fullWidth={fullWidth}
      disabled={Boolean(row.refusal || row.cannotRollBack) || pending !== undefined}
      loading={pending?.kind === "rollback" && pending.environment === name}
      onClick={() => actions.rollBack(row)}
    >
      Roll back {name}
    </Button>
  );
  // What it would do, before the confirmation says it again; why not is written beside it.
  if ("none" in row.rollback || row.refusal) return button;
  return <Tooltip label={`Back to v${row.rollback.target}`}>{button}</Tooltip>;
}

/** The environments tab's address with one more thing asked for (a rollout, a start form). */
const tabLink = (more: Record<string, string>) =>
  `?${new URLSearchParams({ tab: "environments", ...more })}`;

/** "rollout running: v7 → v8 at 5 %", a link to the rollout's live view; nothing without one. */
export function RolloutLink({ row }: { row: EnvironmentRow }) {
  if (!row.rollout) return null;
  return (
    <Anchor
      component={Link}
      to={rolloutLink(row.rollout.id)}
      size="sm"
      fw={400}
      display="block"
      style={{ overflowWrap: "anywhere" }}
    >
      {rolloutLine(row.rollout)}
    </Anchor>
  );
}

/** Opens the form that starts a rollout here; off (the reason beside it) when none can start. */
export function StartRolloutButton({
  row,
  fullWidth = false,
}: {
  row: EnvironmentRow;
  fullWidth?: boolean;
}) {
  const { name } = row.environment;
  if (row.rollout) return null;
  if (row.refusal || row.cannotStart) {
    return (
      <Button variant="light" fullWidth={fullWidth} disabled>
        Start a rollout on {name}
      </Button>
    );
  }
  return (
    <Button component={Link} to={tabLink({ start: name })} variant="light" fullWidth={fullWidth}>
      Start a rollout on {name}
    </Button>
  );
}
