import { Alert, Anchor, Button, Group, List, Stack, Text, Textarea, Title } from "@mantine/core";
import { can, labelMoveRefusal, type PromptVersion, type Rollout } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Link } from "react-router";
import { type Confirmation, ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { GateRefusalPanel } from "../gates/GateRefusalPanel.js";
import { type GateRefusal, gateRefusalOf } from "../gates/queries.js";
import { Loading } from "../Loading.js";
import { useEnvironments } from "../prompt/queries.js";
import { useSession } from "../session/session.js";
import { toastDone } from "../toast.js";
import { GuardrailFields } from "./GuardrailFields.js";
import { PlanFields } from "./PlanFields.js";
import { checkDraft, fieldKeys, newDraft, placeErrors, serverErrors } from "./startForm.js";
import { TargetingFields } from "./TargetingFields.js";

interface Props {
  name: string;
  environment: string;
  labels: Record<string, number>;
  /** Newest first. */
  versions: PromptVersion[];
  /** The environments tab, to go back to. */
  back: string;
  onStarted: (rollout: Rollout) => void;
}

/**
 * Starts a rollout on one environment: the versions tried against what it serves and how
 * (canary steps or a split), targeting rules, guardrails. Each problem is said beside its field,
 * the browser's as soon as a start was tried and the server's when it refuses; a gate that
 * refuses the candidate is said above the form, with an admin's override.
 */
export function StartRolloutPanel({ name, environment, labels, versions, back, onStarted }: Props) {
  const environments = useEnvironments();
  const session = useSession();
  const queryClient = useQueryClient();
  const control = labels[environment];
  const [draft, setDraft] = useState(() =>
    newDraft(versions.find((v) => v.version !== control)?.version),
  );
  const [tried, setTried] = useState(false);
  const [refused, setRefused] = useState<GateRefusal | undefined>();
  const [confirming, setConfirming] = useState<Confirmation | undefined>();
  const start = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof checkDraft>["body"]>) =>
      api.rollouts.start(name, body),
    onSuccess: (rollout) => {
      const tried = rollout.candidates.map((v) => `v${v}`).join(", ");
      toastDone(`Started a ${rollout.strategy} of ${tried} on ${rollout.environment}`);
      void queryClient.invalidateQueries({ queryKey: ["prompt", name] });
      onStarted(rollout);
    },
    onError: (error) => setRefused(gateRefusalOf(error)),
  });
  // One start at a time: a double click would otherwise send two.
  const inFlight = useRef(false);

  const title = (
    <Title order={2} id="start-rollout-title">
      Start a rollout on {environment}
    </Title>
  );
  const backLink = (
    <Anchor component={Link} to={back} size="sm">
      ← Environments
    </Anchor>
  );
  if (environments.isPending) return <Loading what="the environments" />;
  if (environments.isError) {
    return (
      <Alert color="red" title="The environments could not be loaded">
        {environments.error.message}
      </Alert>
    );
  }
  const env = environments.data.items.find((e) => e.name === environment);
  const role = session.data?.role;
  const cannot = !env
    ? `There is no environment named ${environment}.`
    : control === undefined
      ? `${environment} serves nothing yet: deploy a version to it first, then roll the next one out.`
      : !versions.some((v) => v.version !== control)
        ? `Only v${control} is published: publish another version to try it against v${control}.`
        : role && labelMoveRefusal({ role }, env);
  if (cannot || !env || control === undefined) {
    return (
      <Stack component="section" aria-labelledby="start-rollout-title" gap="md">
        {backLink}
        {title}
        <Alert color="blue" title="No rollout can start here">
          {cannot}
        </Alert>
      </Stack>
    );
  }

  const options = versions
    .filter((v) => v.version !== control)
    .map((v) => ({ value: String(v.version), label: `v${v.version} (${v.semver})` }));
  const checkWith = (override?: string) =>
    checkDraft(draft, environment, control, {
      protectedEnvironment: env.protected,
      ...(override !== undefined && { override }),
    });
  const check = checkWith();
  const fromServer = start.isError && !refused ? serverErrors(start.error) : undefined;
  const { fields, unplaced } = placeErrors(
    { ...fromServer?.fields, ...(tried ? check.errors : {}) },
    fieldKeys(draft),
  );
  const general = [...(fromServer?.general ?? []), ...unplaced];
  const send = (override?: string) => {
    setTried(true);
    const { body } = checkWith(override);
    if (!body || inFlight.current) return;
    inFlight.current = true;
    setRefused(undefined);
    start.mutate(body, { onSettled: () => (inFlight.current = false) });
  };
  const props = {
    draft,
    set: (changed: Partial<typeof draft>) => setDraft({ ...draft, ...changed }),
    errors: fields,
    options,
    control,
  };

  return (
    <Stack component="section" aria-labelledby="start-rollout-title" gap="md" maw={1000}>
      {backLink}
      <div>
        {title}
        <Text c="dimmed" size="sm">
          {environment} serves v{control}, the control: the rollout tries other versions against it
          on a share of the callers, and ends when it is promoted, aborted or rolled back.
        </Text>
      </div>
      {refused && (
        <GateRefusalPanel
          refusal={refused}
          prompt={name}
          mayOverride={session.data ? can(session.data, "gate:override") : false}
          onDismiss={() => setRefused(undefined)}
          onOverride={() =>
            setConfirming({
              title: "Override the gate",
              text: `Start the rollout on ${environment} although its gate refuses v${refused.version ?? "?"}? The override and its reason are recorded in the audit log.`,
              action: "Override and start",
              reason: "required",
              danger: true,
            })
          }
        />
      )}
      <form
        aria-label={`Start a rollout on ${environment}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <Stack gap="md">
          <PlanFields {...props} />
          <TargetingFields {...props} />
          <GuardrailFields {...props} />
          <Textarea
            label={env.protected ? "Reason" : "Reason (optional)"}
            withAsterisk={env.protected}
            description="Recorded with the rollout and in the audit log."
            placeholder="What the candidate changes, what to watch"
            autosize
            minRows={2}
            maxLength={2000}
            value={draft.reason}
            onChange={(e) => setDraft({ ...draft, reason: e.currentTarget.value })}
            error={fields.reason}
          />
          {general.length > 0 && (
            <Alert color="red" role="alert" title="The rollout was not started">
              <List size="sm" spacing={2} style={{ overflowWrap: "anywhere" }}>
                {general.map((message) => (
                  <List.Item key={message}>{message}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          {tried && !check.body && general.length === 0 && (
            <Text size="sm" c="red" role="alert">
              Some fields need another look: each says what to fix.
            </Text>
          )}
          <Group gap="sm">
            <Button type="submit" loading={start.isPending}>
              Start the rollout
            </Button>
            <Button component={Link} to={back} variant="default">
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
      <ConfirmDialog
        confirmation={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={(reason) => {
          setConfirming(undefined);
          send(reason);
        }}
      />
    </Stack>
  );
}
