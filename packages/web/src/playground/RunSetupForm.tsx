import type { TraceDetail } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../client.js";
import { useProviders } from "../prompt/queries.js";

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

/** The prompt, provider and model of a run, and the inputs of a recorded call to start from. */
export function RunSetupForm({
  setup,
  onChange,
  onRun,
  onTraceLoaded,
  onProblem,
}: {
  setup: RunSetup;
  onChange(setup: RunSetup): void;
  onRun(): void;
  onTraceLoaded(inputs: TraceInputs): void;
  onProblem(problem: string | undefined): void;
}) {
  const [traceId, setTraceId] = useState("");
  const providers = useProviders();
  // The prompts whose name holds what is typed, offered as the field's suggestions.
  const matching = useQuery({
    queryKey: ["prompts", "picker", setup.name],
    queryFn: () => api.prompts.list({ ...(setup.name && { q: setup.name }), limit: 20 }),
  });

  async function loadTrace() {
    onProblem(undefined);
    try {
      onTraceLoaded(inputsOf(await api.traces.get(traceId.trim())));
    } catch (error) {
      onProblem(`the trace could not be loaded: ${(error as Error).message}`);
    }
  }

  return (
    <form
      aria-label="Run setup"
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        onRun();
      }}
    >
      <label>
        Prompt{" "}
        <input
          value={setup.name}
          onChange={(e) => onChange({ ...setup, name: e.target.value.trim() })}
          list="playground-prompts"
          autoComplete="off"
          placeholder="type to search"
          required
        />
        <datalist id="playground-prompts">
          {matching.data?.items.map((p) => (
            <option key={p.name} value={p.name} />
          ))}
        </datalist>
      </label>
      <label>
        Provider{" "}
        <select
          value={setup.provider}
          onChange={(e) => onChange({ ...setup, provider: e.target.value })}
        >
          <option value="">the prompt's own (or the only one)</option>
          {providers.data?.items.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} ({p.kind})
            </option>
          ))}
        </select>
      </label>
      <label>
        Model (blank: the version's)
        <input
          value={setup.model}
          onChange={(e) => onChange({ ...setup, model: e.target.value })}
        />
      </label>
      <label>
        Load inputs from trace{" "}
        <input value={traceId} onChange={(e) => setTraceId(e.target.value)} />
      </label>
      <button type="button" disabled={!traceId.trim()} onClick={() => void loadTrace()}>
        Load
      </button>
    </form>
  );
}
