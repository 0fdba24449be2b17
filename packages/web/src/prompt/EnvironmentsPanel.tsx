import { Alert, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { can, type PromptVersion } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { type Confirmation, ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { GateLine } from "../gates/GateLine.js";
import { GateRefusalPanel } from "../gates/GateRefusalPanel.js";
import { type GateRefusal, gateRefusalOf, usePromptGates } from "../gates/queries.js";
import { Loading } from "../Loading.js";
import { useActiveRollouts } from "../rollouts/queries.js";
import { RolloutHistory } from "../rollouts/RolloutHistory.js";
import { activeByEnvironment } from "../rollouts/rolloutText.js";
import { useSession } from "../session/session.js";
import { toastDone, toastFailed } from "../toast.js";
import { DeploymentTimeline } from "./DeploymentTimeline.js";
import {
  type Actions,
  DeployButton,
  EnvironmentName,
  LastChange,
  type Move,
  RollbackButton,
  RolloutLink,
  StartRolloutButton,
  VersionPicker,
  WhyNot,
} from "./EnvironmentControls.js";
import { environmentRows } from "./environmentRows.js";
import { useDeployments, useEnvironments } from "./queries.js";

interface Props {
  name: string;
  labels: Record<string, number>;
  /** Newest first. */
  versions: PromptVersion[];
}

/** A move as sent: with the reason for the record, and whether it overrides a refusing gate. */
interface MoveRequest {
  move: Move;
  reason: string;
  override?: boolean;
}

/**
 * Which version each environment serves; deploy one, roll back with a confirmation. A table on
 * a wide screen, a card per environment on a phone, where the buttons stay within reach; a
 * button that is off says why beside it, and beside Deploy, whether the environment's gate would
 * let the picked version through. A deploy the gate refuses says why above the table, with an
 * admin's override (which asks for a reason).
 */
export function EnvironmentsPanel({ name, labels, versions }: Props) {
  const environments = useEnvironments();
  const history = useDeployments(name);
  const rollouts = useActiveRollouts(name);
  const session = useSession();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Record<string, number>>({});
  const [confirming, setConfirming] = useState<
    (Confirmation & { move: Move; override?: boolean }) | undefined
  >();
  const [refused, setRefused] = useState<{ refusal: GateRefusal; move: Move } | undefined>();
  const gateOf = usePromptGates(
    name,
    (environments.data?.items ?? [])
      .map((e) => choice[e.name] ?? versions[0]?.version)
      .filter((v): v is number => v !== undefined),
  );
  const move = useMutation({
    mutationFn: ({ move: action, reason, override }: MoveRequest) =>
      action.kind === "deploy"
        ? api.deployments.deploy(name, {
            environment: action.environment,
            version: action.version,
            ...(reason && { reason }),
            ...(override && { override: { reason } }),
          })
        : api.deployments.rollback(name, {
            environment: action.environment,
            ...(reason && { reason }),
          }),
    onSuccess: (done) => {
      toastDone(
        done.kind === "rollback"
          ? `Rolled back ${done.environment} to v${done.toVersion}`
          : done.gateOverride
            ? `Deployed v${done.toVersion} to ${done.environment} through its gate, overridden`
            : `Deployed v${done.toVersion} to ${done.environment}`,
      );
      void queryClient.invalidateQueries({ queryKey: ["prompt", name] });
    },
    onError: (error, { move: action }) => {
      // A gate's refusal is said in full above the table, not in a corner.
      const refusal = gateRefusalOf(error);
      if (refusal && action.kind === "deploy") return setRefused({ refusal, move: action });
      toastFailed(
        action.kind === "deploy"
          ? `v${action.version} could not be deployed to ${action.environment}`
          : `${action.environment} could not be rolled back`,
        error,
      );
    },
  });
  // One move at a time: a double click would otherwise send two before the button is disabled.
  const inFlight = useRef(false);
  const start = (variables: MoveRequest) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRefused(undefined);
    move.mutate(variables, { onSettled: () => (inFlight.current = false) });
  };

  if (environments.isPending || history.isPending) return <Loading what="environments" />;
  if (environments.isError || history.isError) {
    return (
      <Alert color="red" title="The environments could not be loaded">
        {(environments.error ?? history.error)?.message}
      </Alert>
    );
  }
  const rows = environmentRows({
    environments: environments.data.items,
    labels,
    versions,
    history: history.data.items,
    choice,
    role: session.data?.role,
    rollouts: activeByEnvironment(rollouts.data?.items ?? []),
  });
  const actions: Actions = {
    versions,
    pending: move.isPending ? move.variables.move : undefined,
    pick: (environment, version) => setChoice({ ...choice, [environment]: version }),
    deploy: ({ environment: env, current, selected }) => {
      if (selected === undefined) return;
      const deploy: Move = { kind: "deploy", environment: env.name, version: selected };
      // A protected environment's change is confirmed, with why it is made.
      if (!env.protected) start({ move: deploy, reason: "" });
      else {
        setConfirming({
          title: "Confirm deploy",
          text: `Deploy v${selected} to ${env.name}, which serves ${current === undefined ? "nothing yet" : `v${current}`}? Applications asking for ${env.name} get v${selected} at once.`,
          action: `Deploy v${selected}`,
          reason: "required",
          move: deploy,
        });
      }
    },
    rollBack: ({ environment: env, rollback }) => {
      if ("none" in rollback) return;
      setConfirming({
        title: "Confirm rollback",
        text: rollback.text,
        action: "Roll back",
        reason: env.protected ? "required" : "optional",
        move: { kind: "rollback", environment: env.name },
      });
    },
  };

  return (
    <Stack component="section" aria-labelledby="environments-title" gap="md">
      <Title order={2} id="environments-title">
        Environments
      </Title>
      {refused && (
        <GateRefusalPanel
          refusal={refused.refusal}
          prompt={name}
          mayOverride={session.data ? can(session.data, "gate:override") : false}
          onDismiss={() => setRefused(undefined)}
          onOverride={() => {
            const { move: action } = refused;
            if (action.kind !== "deploy") return;
            setConfirming({
              title: "Override the gate",
              text: `Deploy v${action.version} to ${action.environment} although its gate refuses it? The override and its reason are recorded in the deployment history and the audit log.`,
              action: "Override and deploy",
              reason: "required",
              danger: true,
              move: action,
              override: true,
            });
          }}
        />
      )}
      <Paper withBorder visibleFrom="sm">
        <Table.ScrollContainer minWidth={680} type="native">
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Environment</Table.Th>
                <Table.Th scope="col">Serves</Table.Th>
                <Table.Th scope="col">Last change</Table.Th>
                <Table.Th scope="col">Deploy or roll back</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr
                  key={row.environment.name}
                  aria-label={`environment ${row.environment.name}`}
                >
                  <Table.Td>
                    <EnvironmentName row={row} />
                  </Table.Td>
                  <Table.Td>
                    <Text fw={700}>{row.current === undefined ? "—" : `v${row.current}`}</Text>
                    <RolloutLink row={row} />
                  </Table.Td>
                  <Table.Td>
                    <LastChange row={row} />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={6}>
                      <Group gap="xs" wrap="nowrap">
                        <VersionPicker row={row} actions={actions} />
                        <DeployButton row={row} actions={actions} />
                        <RollbackButton row={row} actions={actions} />
                      </Group>
                      <WhyNot row={row} />
                      <GateLine
                        status={gateOf(row.selected, row.environment.name)}
                        version={row.selected}
                      />
                      <Group gap="xs">
                        <StartRolloutButton row={row} />
                      </Group>
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Stack hiddenFrom="sm" gap="sm">
        {rows.map((row) => (
          <Paper
            component="article"
            key={row.environment.name}
            aria-label={`environment ${row.environment.name}`}
            withBorder
            p="md"
          >
            <Stack gap="sm">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <EnvironmentName row={row} />
                <Text size="sm">
                  <Text span c="dimmed" inherit>
                    Serves{" "}
                  </Text>
                  <Text span fw={700} inherit>
                    {row.current === undefined ? "nothing yet" : `v${row.current}`}
                  </Text>
                </Text>
              </Group>
              <RolloutLink row={row} />
              <LastChange row={row} />
              <WhyNot row={row} about="refusal" />
              <VersionPicker row={row} actions={actions} labelled />
              <DeployButton row={row} actions={actions} fullWidth />
              <WhyNot row={row} about="deploy" />
              <GateLine
                status={gateOf(row.selected, row.environment.name)}
                version={row.selected}
              />
              <RollbackButton row={row} actions={actions} fullWidth />
              <WhyNot row={row} about="rollback" />
              <StartRolloutButton row={row} fullWidth />
              <WhyNot row={row} about="start" />
            </Stack>
          </Paper>
        ))}
      </Stack>

      <ConfirmDialog
        confirmation={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={(reason) => {
          if (confirming) {
            start({ move: confirming.move, reason, override: confirming.override ?? false });
          }
          setConfirming(undefined);
        }}
      />

      <RolloutHistory name={name} />
      <DeploymentTimeline history={history.data.items} />
    </Stack>
  );
}
