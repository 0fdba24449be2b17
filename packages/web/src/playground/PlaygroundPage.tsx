import { Alert, Button, Group, Kbd, Stack, Text, Textarea, Title } from "@mantine/core";
import { ApiError } from "@promptline/client";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { usePrompt } from "../prompt/queries.js";
import { MOD, useShortcut } from "../shortcuts.js";
import { usePageTitle } from "../title.js";
import { CodeSnippets } from "./CodeSnippets.js";
import { ColumnPicker } from "./ColumnPicker.js";
import { RunResults } from "./RunResults.js";
import { type RunSetup, RunSetupForm, type TraceInputs } from "./RunSetupForm.js";
import { usePlaygroundRun } from "./usePlaygroundRun.js";
import { VariablesForm } from "./VariablesForm.js";
import { typedVariables, useVariableList } from "./variables.js";

/** Run versions of a prompt side by side on the same inputs, streamed, with usage and cost. */
export function PlaygroundPage() {
  usePageTitle("Playground");
  const [params] = useSearchParams();
  const [setup, setSetup] = useState<RunSetup>({
    name: params.get("prompt") ?? "",
    provider: "",
    model: "",
  });
  const [message, setMessage] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | undefined>();
  const runs = usePlaygroundRun();
  const { name } = setup;

  // The variables asked for are those of the first published column (or else the draft's);
  // snippets are for what applications can run, so they name it too, never the draft.
  const published = runs.columns.find((c) => c.selector !== "@draft")?.selector;
  const variables = useVariableList(name, published);
  const variableList = variables.data ?? [];
  const missing = variableList.filter((v) => v.required && !(values[v.name] ?? "").trim());

  const prompt = usePrompt(name, { whenNamed: true });
  // What is wrong with the prompt's name, said beside it.
  const promptError = prompt.isError
    ? prompt.error instanceof ApiError && prompt.error.status === 404
      ? `There is no prompt named '${name}': pick one from the list.`
      : `The prompt could not be loaded: ${prompt.error.message}`
    : undefined;
  // Why Run cannot start, said next to it.
  const blocked = !name
    ? "Pick a prompt to run."
    : promptError
      ? "Pick an existing prompt to run."
      : !prompt.isSuccess
        ? "Loading the prompt…"
        : missing.length > 0
          ? `Fill the required variables: ${missing.map((v) => v.name).join(", ")}.`
          : undefined;
  const canRun = blocked === undefined;
  useShortcut("Enter", () => {
    if (canRun) void run();
  });

  async function run() {
    setProblem(undefined);
    let typed: Record<string, unknown>;
    try {
      typed = typedVariables(variableList, values);
    } catch (error) {
      setProblem(`a variable is not valid JSON: ${(error as Error).message}`);
      return;
    }
    await runs.run({ ...setup, message, variables: typed });
  }

  function fillFromTrace({ name: traced, ...inputs }: TraceInputs) {
    if (traced) setSetup((current) => ({ ...current, name: traced }));
    setValues(inputs.variables);
    setMessage(inputs.message);
  }

  function typedOrNone() {
    try {
      return typedVariables(variableList, values);
    } catch {
      return {};
    }
  }

  return (
    <Stack component="section" aria-labelledby="playground-title" gap="md">
      <Title order={1} id="playground-title">
        Playground
      </Title>
      <RunSetupForm
        setup={setup}
        promptError={promptError}
        onChange={setSetup}
        onRun={() => void run()}
        onTraceLoaded={fillFromTrace}
        onProblem={setProblem}
      />
      {variables.isError && name && !promptError && (
        <Alert color="red" title="The variables could not be read">
          {variables.error.message}
        </Alert>
      )}
      {prompt.isSuccess && (
        <VariablesForm list={variableList} values={values} onChange={setValues} />
      )}
      <Textarea
        label="User message"
        value={message}
        onChange={(e) => setMessage(e.currentTarget.value)}
        autosize
        minRows={3}
        maxRows={12}
      />
      <ColumnPicker
        name={name}
        served={prompt.data}
        selectors={runs.columns.map((c) => c.selector)}
        onChoose={runs.choose}
        onAdd={runs.addColumn}
        onRemove={runs.removeColumn}
      />
      {problem && <Alert color="red">{problem.charAt(0).toUpperCase() + problem.slice(1)}</Alert>}
      <Group gap="sm">
        <Button
          disabled={!canRun}
          onClick={() => void run()}
          aria-keyshortcuts="Control+Enter Meta+Enter"
          aria-describedby={blocked ? "run-blocked" : undefined}
        >
          Run
        </Button>
        <Text size="sm" c="dimmed">
          <Kbd>{MOD}</Kbd> + <Kbd>Enter</Kbd>
        </Text>
        {blocked && (
          <Text id="run-blocked" size="sm" c="dimmed">
            {blocked}
          </Text>
        )}
      </Group>
      <RunResults columns={runs.columns} served={prompt.data} />
      {canRun && (
        <CodeSnippets
          name={name}
          selector={published ?? "@production"}
          variables={typedOrNone()}
          message={message}
        />
      )}
    </Stack>
  );
}
