import {
  Alert,
  Anchor,
  Autocomplete,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { can } from "@promptline/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api } from "../client.js";
import { fieldErrors } from "../fieldErrors.js";
import { useMatchingPrompts } from "../playground/matchingPrompts.js";
import { useEnvironments, usePrompt, useProviders, useVersions } from "../prompt/queries.js";
import { useSession } from "../session/session.js";
import { usePageTitle } from "../title.js";
import { toastDone } from "../toast.js";
import { useDatasets } from "./queries.js";
import { checkRun, emptyRun, type RunDraft } from "./runForm.js";
import { ScorerBuilder } from "./ScorerBuilder.js";

let modelsMade = 0;

/**
 * Starts an evaluation run: the prompt and its candidates (versions, labels, the draft), the
 * dataset and revision, what to compare with (by default what the environment serves), optional
 * models, the scorers, concurrency. Checked in the browser with core's schemas as it is filled
 * in; each problem (the browser's or the server's) is said beside its field. Viewers read why
 * they cannot start one.
 */
export function NewEvaluationPage() {
  usePageTitle("New evaluation");
  const session = useSession();
  const mayRun = session.data ? can(session.data, "evaluation:run") : false;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<RunDraft>(() => ({
    ...emptyRun(params.get("prompt") ?? ""),
    versions: params.get("version") ? [params.get("version") ?? ""] : [],
  }));
  const [tried, setTried] = useState(false);
  const set = (fields: Partial<RunDraft>) => setForm((f) => ({ ...f, ...fields }));

  const [promptName] = useDebouncedValue(form.prompt.trim(), 300);
  const matching = useMatchingPrompts(form.prompt);
  const prompt = usePrompt(promptName, { whenNamed: true });
  const versions = useVersions(prompt.data ? promptName : "", { whenNamed: true });
  const environments = useEnvironments();
  const providers = useProviders();
  const datasets = useDatasets();

  const start = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof checkRun>["body"]>) =>
      api.evalRuns.create(body),
    onSuccess: (run) => {
      toastDone(`Started the evaluation of ${run.prompt} on ${run.dataset} r${run.revision}.`);
      void queryClient.invalidateQueries({ queryKey: ["eval-runs"] });
      navigate(`/evaluations/${run.id}`);
    },
  });
  const check = checkRun(form);
  const refused = start.isError ? fieldErrors(start.error) : undefined;
  // The browser's findings once a start was tried; the server's for what only it can know.
  const error = (field: keyof typeof check.errors) =>
    (tried ? check.errors[field] : undefined) ?? refused?.fields[field];
  const versionOptions =
    versions.data?.items.map((v) => ({
      value: String(v.version),
      label: `v${v.version} (${v.semver})`,
    })) ?? [];
  const labelOptions = Object.keys(prompt.data?.labels ?? {});
  const dataset = datasets.data?.items.find((d) => d.name === form.dataset);
  const unknownPrompt =
    promptName !== "" && prompt.isError ? `There is no prompt named ${promptName}.` : undefined;

  return (
    <Stack component="section" aria-labelledby="new-evaluation-title" gap="md" maw={960}>
      <div>
        <Anchor component={Link} to="/evaluations" size="sm">
          ← All evaluations
        </Anchor>
        <Title order={1} id="new-evaluation-title">
          New evaluation
        </Title>
        <Text c="dimmed" size="sm">
          Runs each candidate over every case of a dataset, scores the outputs and compares them
          with the baseline.
        </Text>
      </div>
      {!mayRun && session.data && (
        <Alert color="gray" title="Read-only">
          Your key's role ({session.data.role}) can read evaluations; starting one needs an editor
          or admin key.
        </Alert>
      )}
      <form
        aria-label="New evaluation"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (check.body && mayRun) start.mutate(check.body);
        }}
      >
        <Stack gap="md">
          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={2} size="h4">
                What to evaluate
              </Title>
              <Autocomplete
                label="Prompt"
                placeholder="type to search"
                value={form.prompt}
                onChange={(name) =>
                  set({ prompt: name, versions: [], labels: [], baselineVersion: "" })
                }
                data={matching}
                filter={({ options }) => options}
                error={error("prompt") ?? unknownPrompt}
                id="run-prompt"
                autoComplete="off"
                required
              />
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <MultiSelect
                  label="Versions"
                  placeholder={versionOptions.length ? "pick versions" : "none published"}
                  data={versionOptions}
                  value={form.versions}
                  onChange={(v) => set({ versions: v })}
                  error={error("candidates")}
                  id="run-versions"
                  searchable
                  maxValues={5}
                />
                <MultiSelect
                  label="Labels"
                  description="What each serves when the run starts"
                  placeholder={labelOptions.length ? "pick labels" : "no labels"}
                  data={labelOptions}
                  value={form.labels}
                  onChange={(labels) => set({ labels })}
                  maxValues={5}
                />
              </SimpleGrid>
              <Checkbox
                label="The draft, as it is now"
                checked={form.draft}
                onChange={(e) => set({ draft: e.currentTarget.checked })}
              />
            </Stack>
          </Paper>

          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={2} size="h4">
                On which cases
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Autocomplete
                  label="Dataset"
                  placeholder="type or pick a dataset"
                  description={
                    datasets.isError
                      ? "The list of datasets could not be loaded: type the name."
                      : undefined
                  }
                  data={datasets.data?.items.map((d) => d.name) ?? []}
                  value={form.dataset}
                  onChange={(name) => set({ dataset: name, revision: "" })}
                  error={error("dataset")}
                  id="run-dataset"
                  autoComplete="off"
                  required
                />
                <TextInput
                  label="Revision"
                  placeholder={
                    dataset
                      ? `latest (r${dataset.latestRevision}, ${dataset.caseCount} cases)`
                      : "latest"
                  }
                  inputMode="numeric"
                  value={form.revision}
                  onChange={(e) => set({ revision: e.currentTarget.value })}
                  error={error("revision")}
                  id="run-revision"
                />
              </SimpleGrid>
              {datasets.data?.items.length === 0 && (
                <Text size="sm" c="dimmed">
                  No datasets yet:{" "}
                  <Anchor component={Link} to="/datasets" underline="always">
                    make one
                  </Anchor>
                  , or add production traces to one from the traces screen.
                </Text>
              )}
            </Stack>
          </Paper>

          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={2} size="h4">
                Compared with
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Select
                  label="Environment"
                  description="Whose served version is the baseline, and whose gate the results are for"
                  data={environments.data?.items.map((e) => e.name) ?? [form.environment]}
                  value={form.environment}
                  onChange={(environment) => environment && set({ environment })}
                  error={error("environment")}
                  allowDeselect={false}
                />
                <Radio.Group
                  label="Baseline"
                  value={form.baseline}
                  onChange={(baseline) => set({ baseline: baseline as RunDraft["baseline"] })}
                  error={error("baseline")}
                >
                  <Stack gap={6} mt={4}>
                    <Radio value="environment" label={`What ${form.environment} serves`} />
                    <Radio value="version" label="A version" />
                    <Radio value="none" label="None: scores only, no comparison" />
                  </Stack>
                </Radio.Group>
              </SimpleGrid>
              {form.baseline === "version" && (
                <Select
                  label="Baseline version"
                  data={versionOptions}
                  value={form.baselineVersion || null}
                  onChange={(v) => set({ baselineVersion: v ?? "" })}
                  error={error("baseline")}
                  maw={320}
                />
              )}
            </Stack>
          </Paper>

          <Paper withBorder p="md">
            <Stack gap="sm">
              <Title order={2} size="h4">
                Models
              </Title>
              <Text size="sm" c="dimmed">
                Optional: run every candidate with these connections and models instead of each
                version's own.
              </Text>
              {form.models.map((m, index) => (
                <Group key={m.key} gap="sm" align="flex-end">
                  <Select
                    label={`Connection ${index + 1}`}
                    placeholder="the version's own"
                    data={providers.data?.items.map((p) => p.name) ?? []}
                    value={m.provider || null}
                    onChange={(provider) =>
                      set({
                        models: form.models.map((x) =>
                          x.key === m.key ? { ...x, provider: provider ?? "" } : x,
                        ),
                      })
                    }
                    clearable
                    w={{ base: "100%", xs: 220 }}
                  />
                  <TextInput
                    label={`Model ${index + 1}`}
                    placeholder="the version's own"
                    value={m.model}
                    onChange={(e) => {
                      const model = e.currentTarget.value;
                      set({
                        models: form.models.map((x) => (x.key === m.key ? { ...x, model } : x)),
                      });
                    }}
                    w={{ base: "100%", xs: 260 }}
                  />
                  <Button
                    variant="subtle"
                    color="red"
                    onClick={() => set({ models: form.models.filter((x) => x.key !== m.key) })}
                    aria-label={`Remove model ${index + 1}`}
                  >
                    Remove
                  </Button>
                </Group>
              ))}
              {error("models") && (
                <Text c="red" size="sm">
                  {error("models")}
                </Text>
              )}
              <Button
                variant="default"
                w="fit-content"
                disabled={form.models.length >= 3}
                onClick={() => {
                  modelsMade += 1;
                  set({
                    models: [
                      ...form.models,
                      { key: `model-${modelsMade}`, provider: "", model: "" },
                    ],
                  });
                }}
              >
                Add a model
              </Button>
            </Stack>
          </Paper>

          <Paper withBorder p="md">
            <ScorerBuilder
              scorers={form.scorers}
              errors={tried ? check.scorerErrors : []}
              listError={(tried ? check.scorerList : undefined) ?? refused?.fields.scorers}
              onChange={(scorers) => set({ scorers })}
            />
          </Paper>

          <Group align="flex-end" gap="sm">
            <NumberInput
              label="Concurrency"
              description="Calls at once"
              min={1}
              max={32}
              value={form.concurrency}
              onChange={(concurrency) => set({ concurrency })}
              error={error("concurrency")}
              w={160}
            />
            <Button type="submit" loading={start.isPending} disabled={!mayRun}>
              Start evaluation
            </Button>
          </Group>
          {tried && !check.body && (
            <Text c="red" size="sm" role="alert">
              Some fields need attention: see the messages beside them.
            </Text>
          )}
          {refused?.general && (
            <Alert color="red" title="The run was not started" role="alert">
              {refused.general}
            </Alert>
          )}
        </Stack>
      </form>
    </Stack>
  );
}
