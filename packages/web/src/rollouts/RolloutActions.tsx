import { Button, Group, Stack, Text } from "@mantine/core";
import type { Rollout } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { type Confirmation, ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { toastDone, toastFailed } from "../toast.js";
import { percentText } from "./percent.js";
import { candidateShares, isActive } from "./rolloutText.js";

type Action = "advance" | "pause" | "resume" | "promote" | "abort";

const DONE: Record<Action, string> = {
  advance: "Advanced",
  pause: "Paused",
  resume: "Resumed",
  promote: "Promoted",
  abort: "Aborted",
};

/** What each button would do, said in its confirmation before it is done. */
function confirmationOf(action: Action, rollout: Rollout): Confirmation {
  const { environment, control } = rollout;
  const candidates = rollout.candidates.map((v) => `v${v}`).join(" and ");
  const shares = candidateShares(rollout)
    .map((c) => `v${c.version} at ${percentText(c.weight)}`)
    .join(", ");
  switch (action) {
    case "advance": {
      const next = rollout.canary ? rollout.canary.step + 1 : 0;
      const weight = rollout.canary?.steps[next]?.weight ?? 0;
      return {
        title: "Advance the canary",
        text: `Advance the canary on ${environment} to step ${next + 1}: ${candidates} then gets ${percentText(weight)} of callers (now ${shares}), without waiting for the step's hold or the guardrails.`,
        action: `Advance to ${percentText(weight)}`,
      };
    }
    case "pause":
      return {
        title: "Pause the rollout",
        text: `Pause the rollout on ${environment}? The shares stay as they are (${shares}); the guardrails are still watched, but the canary does not advance until it is resumed.`,
        action: "Pause",
      };
    case "resume":
      return {
        title: "Resume the rollout",
        text: `Resume the rollout on ${environment}? The monitor advances it again when a step's hold is over and the guardrails are healthy.`,
        action: "Resume",
      };
    case "promote":
      return {
        title: `Promote ${candidates}`,
        text: `Promote ${candidates} on ${environment}? Everyone then gets ${candidates} and the rollout ends; it is a deploy in the deployment history.`,
        action: `Promote ${candidates}`,
      };
    case "abort":
      return {
        title: "Abort the rollout",
        text: `Abort the rollout on ${environment}? Everyone gets v${control} again at once and the rollout ends; it is a rollback in the deployment history.`,
        action: "Abort the rollout",
        danger: true,
      };
  }
}

/**
 * Advance, pause or resume, promote and abort, each after a confirmation that says what it will
 * do (asking why; a protected environment's reason is required). Each is sent with the revision
 * on screen, so a rollout changed meanwhile (by the monitor or a person) is refused, not acted on
 * blindly. Off, with the reason beside them, for a key that may not move the environment.
 */
export function RolloutActions({
  rollout,
  protectedEnvironment,
  refusal,
}: {
  rollout: Rollout;
  protectedEnvironment: boolean;
  /** Why the signed-in key may not change this environment, if it may not. */
  refusal: string | undefined;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<(Confirmation & { act: Action }) | undefined>();
  const act = useMutation({
    mutationFn: ({ action, reason }: { action: Action; reason: string }) =>
      api.rollouts.act(rollout.name, rollout.id, action, {
        expectedRevision: rollout.revision,
        ...(reason && { reason }),
      }),
    onSuccess: (_, { action }) =>
      toastDone(`${DONE[action]} the rollout on ${rollout.environment}`),
    onError: (error, { action }) =>
      toastFailed(`The rollout could not be ${DONE[action].toLowerCase()}`, error),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["prompt", rollout.name] }),
  });
  const inFlight = useRef(false);
  if (!isActive(rollout.status)) return null;
  const canary = rollout.canary;
  const lastStep = canary ? canary.step >= canary.steps.length - 1 : true;
  const ask = (action: Action) =>
    setConfirming({
      ...confirmationOf(action, rollout),
      reason: protectedEnvironment ? "required" : "optional",
      act: action,
    });
  const pending = act.isPending ? act.variables.action : undefined;
  const button = (
    action: Action,
    label: string,
    props: { color?: string; variant?: string } = {},
  ) => (
    <Button
      variant={props.variant ?? "default"}
      {...(props.color && { color: props.color })}
      disabled={Boolean(refusal) || pending !== undefined}
      loading={pending === action}
      onClick={() => ask(action)}
    >
      {label}
    </Button>
  );
  return (
    <Stack gap={6}>
      <Group gap="sm" aria-label="Rollout actions">
        {canary && !lastStep && rollout.status === "running" && button("advance", "Advance")}
        {rollout.status === "running" && button("pause", "Pause")}
        {rollout.status === "paused" && button("resume", "Resume")}
        {button("promote", "Promote", { variant: "filled" })}
        {button("abort", "Abort", { color: "red", variant: "light" })}
      </Group>
      {refusal && (
        <Text size="xs" c="dimmed" maw={520} style={{ overflowWrap: "anywhere" }}>
          {refusal}
        </Text>
      )}
      <ConfirmDialog
        confirmation={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={(reason) => {
          const action = confirming?.act;
          setConfirming(undefined);
          if (!action || inFlight.current) return;
          inFlight.current = true;
          act.mutate({ action, reason }, { onSettled: () => (inFlight.current = false) });
        }}
      />
    </Stack>
  );
}
