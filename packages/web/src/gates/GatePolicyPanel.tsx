import {
  Alert,
  Autocomplete,
  Button,
  Code,
  Group,
  List,
  Select,
  Stack,
  Text,
  Textarea,
} from "@mantine/core";
import { gatePolicySchema } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { actorName } from "../actors.js";
import { Ago } from "../ago.js";
import { type Confirmation, ConfirmDialog } from "../ConfirmDialog.js";
import { api } from "../client.js";
import { useDatasets } from "../evaluations/queries.js";
import { fieldErrors, sentence } from "../fieldErrors.js";
import { Loading } from "../Loading.js";
import { useEnvironments } from "../prompt/queries.js";
import { FormCard, Section } from "../settings/Section.js";
import { toastDone, toastFailed } from "../toast.js";
import { checkPolicy, draftOf, LEVELS, type PolicyDraft, ruleInWords } from "./policyForm.js";
import { useEnvironmentGate } from "./queries.js";
import { RuleFields } from "./RuleFields.js";

/**
 * Each environment's gate policy: what a version must have shown, by bump level, before the
 * environment serves it. Everyone reads it in words; an admin edits it in a form (or as JSON),
 * can start from the recommended defaults for a dataset, and can remove it.
 */
export function GatePolicyPanel({ readOnly }: { readOnly?: string | undefined }) {
  const environments = useEnvironments();
  const datasets = useDatasets();
  const queryClient = useQueryClient();
  const [environment, setEnvironment] = useState("production");
  const gate = useEnvironmentGate(environment);
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(null));
  const [tried, setTried] = useState(false);
  const [json, setJson] = useState<string | undefined>();
  const [jsonError, setJsonError] = useState<string | undefined>();
  const [recommendFrom, setRecommendFrom] = useState("");
  const [confirming, setConfirming] = useState<Confirmation | undefined>();

  // The form starts from what is stored, each time another environment is picked or it is saved.
  useEffect(() => {
    if (gate.data) {
      setDraft(draftOf(gate.data.policy));
      setTried(false);
    }
  }, [gate.data]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ["gates", environment] });
  const save = useMutation({
    mutationFn: (policy: NonNullable<ReturnType<typeof checkPolicy>["policy"]>) =>
      api.gates.set(environment, policy),
    onSuccess: () => {
      toastDone(`Saved the gate policy of ${environment}.`);
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ["prompt"] });
    },
  });
  const remove = useMutation({
    mutationFn: () => api.gates.remove(environment),
    onSuccess: () => {
      toastDone(`Removed the gate policy of ${environment}: every deploy to it passes freely.`);
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ["prompt"] });
    },
    onError: (error) => toastFailed("The gate policy was not removed", error),
  });
  const recommend = useMutation({
    mutationFn: (dataset: string) => api.gates.recommended(dataset),
    onSuccess: (recommended) => {
      setDraft(draftOf(recommended.policy));
      toastDone(
        `Filled in the recommended policy for ${recommended.dataset}: review it, then save.`,
      );
    },
  });

  const check = checkPolicy(draft);
  const refused = save.isError ? fieldErrors(save.error) : undefined;
  const datasetNames = datasets.data?.items.map((d) => d.name) ?? [];

  return (
    <Section
      id="gates-title"
      title="Gate policies"
      description="What a version must have shown in evaluations before an environment serves it, by how big a change it is. A level without a rule passes freely."
    >
      <Select
        label="Environment"
        data={environments.data?.items.map((e) => e.name) ?? [environment]}
        value={environment}
        onChange={(name) => name && setEnvironment(name)}
        allowDeselect={false}
        w={{ base: "100%", xs: 260 }}
      />
      {gate.isPending && <Loading what="the gate policy" />}
      {gate.isError && (
        <Alert color="red" title="The gate policy could not be loaded">
          {gate.error.message}
        </Alert>
      )}
      {gate.data && (
        <Stack gap={4} aria-label={`Gate policy of ${environment}`} component="section">
          {gate.data.policy === null ? (
            <Text size="sm">
              {environment} has no gate policy: every deploy to it passes freely.
            </Text>
          ) : (
            <List size="sm" spacing={4} style={{ overflowWrap: "anywhere" }}>
              {LEVELS.map((level) => (
                <List.Item key={level}>
                  <Text span fw={600} inherit>
                    {level}:
                  </Text>{" "}
                  {ruleInWords(gate.data.policy?.[level])}
                </List.Item>
              ))}
            </List>
          )}
          {gate.data.updatedAt && (
            <Text size="xs" c="dimmed">
              Set by {actorName(gate.data.updatedBy ?? "")} <Ago at={gate.data.updatedAt} />
            </Text>
          )}
        </Stack>
      )}
      {readOnly ? (
        <Text c="dimmed" size="sm">
          {readOnly}
        </Text>
      ) : (
        gate.data && (
          <FormCard title={`Edit the gate policy of ${environment}`}>
            <Group gap="sm" align="flex-end" mb="sm">
              <Autocomplete
                label="Recommended defaults for dataset"
                placeholder="type or pick a dataset"
                data={datasetNames}
                value={recommendFrom}
                onChange={setRecommendFrom}
                error={recommend.isError ? fieldErrors(recommend.error).general : undefined}
                autoComplete="off"
                w={{ base: "100%", xs: 260 }}
              />
              <Button
                variant="light"
                disabled={!recommendFrom.trim()}
                loading={recommend.isPending}
                onClick={() => recommend.mutate(recommendFrom.trim())}
              >
                Use recommended defaults
              </Button>
            </Group>
            <form
              aria-label="Gate policy"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                setTried(true);
                if (check.policy) save.mutate(check.policy);
              }}
            >
              <Stack gap="sm">
                {json === undefined ? (
                  LEVELS.map((level) => (
                    <RuleFields
                      key={level}
                      level={level}
                      rule={draft[level]}
                      errors={tried ? check.errors[level] : { requirements: [] }}
                      datasets={datasetNames}
                      onChange={(rule) => setDraft({ ...draft, [level]: rule })}
                    />
                  ))
                ) : (
                  <Textarea
                    label="The policy as JSON"
                    description={
                      <>
                        Keyed by <Code>patch</Code>, <Code>minor</Code>, <Code>major</Code>; as the
                        API takes it.
                      </>
                    }
                    autosize
                    minRows={8}
                    ff="monospace"
                    value={json}
                    onChange={(e) => setJson(e.currentTarget.value)}
                    error={jsonError}
                  />
                )}
                <Group gap="sm">
                  {json === undefined ? (
                    <>
                      <Button type="submit" loading={save.isPending}>
                        Save policy
                      </Button>
                      <Button
                        variant="subtle"
                        onClick={() => {
                          setJsonError(undefined);
                          setJson(JSON.stringify(check.policy ?? gate.data.policy ?? {}, null, 2));
                        }}
                      >
                        Edit as JSON
                      </Button>
                    </>
                  ) : (
                    <>
                      <Button
                        onClick={() => {
                          try {
                            const parsed = gatePolicySchema.safeParse(JSON.parse(json));
                            if (!parsed.success) {
                              const issue = parsed.error.issues[0];
                              setJsonError(
                                sentence(`${issue?.path.join(".")}: ${issue?.message ?? ""}`),
                              );
                              return;
                            }
                            setDraft(draftOf(parsed.data));
                            setJson(undefined);
                          } catch {
                            setJsonError("Not JSON: check its quotes, commas and brackets.");
                          }
                        }}
                      >
                        Back to the form
                      </Button>
                      <Button variant="subtle" onClick={() => setJson(undefined)}>
                        Discard the JSON
                      </Button>
                    </>
                  )}
                  {gate.data.policy !== null && json === undefined && (
                    <Button
                      variant="subtle"
                      color="red"
                      ml="auto"
                      onClick={() =>
                        setConfirming({
                          title: "Remove the gate policy",
                          text: `Remove the gate policy of ${environment}? Every deploy to it then passes freely.`,
                          action: "Remove policy",
                          danger: true,
                        })
                      }
                    >
                      Remove policy
                    </Button>
                  )}
                </Group>
                {tried && !check.policy && (
                  <Text c="red" size="sm" role="alert">
                    Some fields need attention: see the messages beside them.
                  </Text>
                )}
                {refused?.general && (
                  <Text c="red" size="sm" role="alert">
                    {refused.general}
                  </Text>
                )}
              </Stack>
            </form>
          </FormCard>
        )
      )}
      <ConfirmDialog
        confirmation={confirming}
        onCancel={() => setConfirming(undefined)}
        onConfirm={() => {
          setConfirming(undefined);
          remove.mutate();
        }}
      />
    </Section>
  );
}
