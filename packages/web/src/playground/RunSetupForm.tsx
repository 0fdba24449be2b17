import { Autocomplete, Button, Grid, Paper, Select, TextInput } from "@mantine/core";
import type { TraceDetail } from "@promptline/core";
import { useState } from "react";
import { api } from "../client.js";
import { useProviders } from "../prompt/queries.js";
import { useMatchingPrompts } from "./matchingPrompts.js";

/** Which prompt to run, through which provider and model. */
export interface RunSetup {
  name: string;
  provider: string;
  /** Blank: each version's own model. */
  model: string;
}

/** What a recorded call was filled with, to run again. */
export interface TraceInputs {
  name: string | undefined;
  variables: Record<string, string>;
  message: string;
}

function inputsOf(trace: TraceDetail): TraceInputs {
  const recorded = trace.metadata.variables;
  const variables =
    typeof recorded === "object" && recorded !== null
      ? Object.fromEntries(
          Object.entries(recorded).map(([k, v]) => [
            k,
            typeof v === "string" ? v : JSON.stringify(v),
          ]),
        )
      : {};
  const messages = Array.isArray(trace.input)
    ? (trace.input as Array<{ role?: string; content?: unknown }>)
    : [];
  const lastUser = messages.filter((m) => m.role === "user").at(-1);
  return {
    name: trace.prompt?.name,
    variables,
    message: typeof lastUser?.content === "string" ? lastUser.content : "",
  };
}

/**
 * The prompt, provider and model of a run, and the inputs of a recorded call to start from. The
 * prompt field suggests the prompts whose name holds what is typed; `promptError` says beside it
 * what is wrong with the name (a prompt that does not exist).
 */
export function RunSetupForm({
  setup,
  promptError,
  onChange,
  onRun,
  onTraceLoaded,
  onProblem,
}: {
  setup: RunSetup;
  promptError?: string | undefined;
  onChange(setup: RunSetup): void;
  onRun(): void;
  onTraceLoaded(inputs: TraceInputs): void;
  onProblem(problem: string | undefined): void;
}) {
  const [traceId, setTraceId] = useState("");
  const providers = useProviders();
  const matching = useMatchingPrompts(setup.name);

  async function loadTrace() {
    onProblem(undefined);
    try {
      onTraceLoaded(inputsOf(await api.traces.get(traceId.trim())));
    } catch (error) {
      onProblem(`the trace could not be loaded: ${(error as Error).message}`);
    }
  }

  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-label="Run setup"
      onSubmit={(e) => {
        e.preventDefault();
        onRun();
      }}
    >
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, sm: 6, lg: 4 }}>
          <Autocomplete
            label="Prompt"
            placeholder="type to search"
            value={setup.name}
            onChange={(name) => onChange({ ...setup, name: name.trim() })}
            data={matching}
            // The server has matched the name, description and tags already.
            filter={({ options }) => options}
            // Said once nothing suggested is left to pick: not while a match is still offered.
            error={matching.length === 0 ? promptError : undefined}
            autoComplete="off"
            required
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, lg: 3 }}>
          <Select
            label="Provider"
            placeholder="the prompt's own"
            data={
              providers.data?.items.map((p) => ({
                value: p.name,
                label: `${p.name} (${p.kind})`,
              })) ?? []
            }
            value={setup.provider || null}
            onChange={(provider) => onChange({ ...setup, provider: provider ?? "" })}
            clearable
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, lg: 2 }}>
          <TextInput
            label="Model"
            placeholder="the version's own"
            value={setup.model}
            onChange={(e) => onChange({ ...setup, model: e.currentTarget.value })}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6, lg: 3 }}>
          <TextInput
            label="Load inputs from trace"
            placeholder="trace id"
            value={traceId}
            onChange={(e) => setTraceId(e.currentTarget.value)}
            // Enter here loads the trace, instead of running.
            onKeyDown={(e) => {
              if (e.key !== "Enter" || e.ctrlKey || e.metaKey) return;
              e.preventDefault();
              if (traceId.trim()) void loadTrace();
            }}
            rightSectionWidth={68}
            rightSection={
              <Button
                size="compact-sm"
                variant="default"
                disabled={!traceId.trim()}
                onClick={() => void loadTrace()}
              >
                Load
              </Button>
            }
          />
        </Grid.Col>
      </Grid>
    </Paper>
  );
}
