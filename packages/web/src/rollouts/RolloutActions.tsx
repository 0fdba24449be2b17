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

/** A change asked for: the action, and for a promote among several candidates, which one. */
interface Request {
  action: Action;
  version?: number | undefined;
}

const DONE: Record<Action, string> = {
  advance: "Advanced",
  pause: "Paused",
  resume: "Resumed",
  promote: "Promoted",
  abort: "Aborted",
};

/** What each button would do, said in its confirmation before it is done. */
function confirmationOf(action: Action, rollout: Rollout, version?: number): Confirmation {
  const { environment, control } = rollout;
  const candidates =
    version === undefined ? rollout.candidates.map((v) => `v${v}`).join(" and ") : `v${version}`;
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
  const [confirming, setConfirming] = useState<
    { confirmation: Confirmation; request: Request } | undefined
  >();
  const act = useMutation({
    mutationFn: ({ action, reason = "", version }: Request & { reason?: string }) =>
      api.rollouts.act(rollout.name, rollout.id, action, {
        expectedRevision: rollout.revision,
        ...(reason && { reason }),
        ...(version !== undefined && { version }),
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
  const pending = act.isPending ? act.variables : undefined;
  const button = (
    request: Request,
    label: string,
    { color, variant = "default" }: { color?: string; variant?: string } = {},
  ) => (
    <Button
      key={`${request.action}-${request.version ?? ""}`}
      variant={variant}
      {...(color && { color })}
      disabled={Boolean(refusal) || pending !== undefined}
      loading={pending?.action === request.action && pending.version === request.version}
      onClick={() =>
        setConfirming({
          confirmation: {
            ...confirmationOf(request.action, rollout, request.version),
            reason: protectedEnvironment ? "required" : "optional",
          },
          request,
        })
      }
    >
      {label}
    </Button>
  );
  return (
    <Stack gap={6}>
      <Group gap="sm" aria-label="Rollout actions">
        {canary &&
          !lastStep &&
          rollout.status === "running" &&
          button({ action: "advance" }, "Advance")}
        {rollout.status === "running" && button({ action: "pause" }, "Pause")}
        {rollout.status === "paused" && button({ action: "resume" }, "Resume")}
        {/* With several candidates, each has its own Promote: the one promoted is named. */}
        {rollout.candidates.length > 1
          ? rollout.candidates.map((version) =>
              button({ action: "promote", version }, `Promote v${version}`, { variant: "filled" }),
            )
          : button({ action: "promote" }, "Promote", { variant: "filled" })}
        {button({ action: "abort" }, "Abort", { color: "red", variant: "light" })}
      </Group>
      {refusal && (
        <Text size="xs" c="dimmed" maw={520} style={{ overflowWrap: "anywhere" }}>
          {refusal}
        </Text>
      )}
      <ConfirmDialog
        confirmation={confirming?.confirmation}
        onCancel={() => setConfirming(undefined)}
        onConfirm={(reason) => {
          const request = confirming?.request;
          setConfirming(undefined);
          if (!request || inFlight.current) return;
          inFlight.current = true;
          act.mutate(
            { action: request.action, version: request.version, reason },
            { onSettled: () => (inFlight.current = false) },
          );
        }}
      />
    </Stack>
  );
}
