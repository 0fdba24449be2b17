import type {
  PromptDetail,
  PromptVersion,
  Provider,
  ResolvedPrompt,
  TraceDetail,
} from "@promptline/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { api } from "../api.js";
import { promptPath } from "../prompt/queries.js";
import { type RunState, streamCompletion } from "./stream.js";

/** How an application would make the same call. */
function snippets(
  name: string,
  selector: string,
  variables: Record<string, unknown>,
  message: string,
) {
  const ref = `prompt:${name}${selector}`;
  const vars = JSON.stringify(variables);
  return {
    sdk: `import { createClient } from "@promptline/sdk";\n\nconst promptline = createClient({ baseUrl: "${location.origin}", apiKey: process.env.PROMPTLINE_API_KEY });\nconst prompt = await promptline.getPrompt("${name}"${selector.startsWith("@") ? `, { label: "${selector.slice(1)}" }` : `, { version: ${selector.slice(1)} }`});\nconst messages = [...prompt.toOpenAI(${vars}), { role: "user", content: ${JSON.stringify(message)} }];`,
    curl: `curl ${location.origin}/v1/chat/completions \\\n  -H "Authorization: Bearer $PROMPTLINE_API_KEY" -H "Content-Type: application/json" \\\n  -d '${JSON.stringify({ model: ref, messages: [{ role: "user", content: message }], promptline: { variables } })}'`,
    openai: `import OpenAI from "openai";\n\nconst openai = new OpenAI({ baseURL: "${location.origin}/v1", apiKey: process.env.PROMPTLINE_API_KEY });\nconst completion = await openai.chat.completions.create({\n  model: "${ref}",\n  messages: [{ role: "user", content: ${JSON.stringify(message)} }],\n  // @ts-expect-error promptline's extension\n  promptline: { variables: ${vars} },\n});`,
  };
}

interface Column {
  selector: string;
  run?: RunState;
  cost?: number | null;
}

/** Run versions of a prompt side by side on the same inputs, streamed, with usage and cost. */
export function PlaygroundPage() {
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const [name, setName] = useState(params.get("prompt") ?? "");
  const [provider, setProvider] = useState("");
  const [model, setModel] = useState("");
  const [message, setMessage] = useState("");
  const [variables, setVariables] = useState<Record<string, string>>({});
  const [columns, setColumns] = useState<Column[]>([
    { selector: "@production" },
    { selector: "@latest" },
  ]);
  const [traceId, setTraceId] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const abort = useRef<AbortController | undefined>(undefined);

  const providers = useQuery({
    queryKey: ["providers"],
    queryFn: () => api<{ items: Provider[] }>("GET", "/api/v1/providers"),
  });
  const versions = useQuery({
    queryKey: ["prompt", name, "versions"],
    queryFn: () => api<{ items: PromptVersion[] }>("GET", `${promptPath(name)}/versions`),
    enabled: name.trim() !== "",
    retry: false,
  });
  // The variables to ask for: those of the first published column, or else the draft's.
  const published = columns.find((c) => c.selector !== "@draft")?.selector;
  const resolved = useQuery({
    queryKey: ["prompt", name, "resolved", published ?? "@draft"],
    queryFn: async (): Promise<Pick<ResolvedPrompt, "variables">> => {
      if (!published) {
        const detail = await api<PromptDetail>("GET", promptPath(name));
        return { variables: detail.draftVariables.map((v) => ({ name: v, required: false })) };
      }
      const query = published.startsWith("#")
        ? `version=${published.slice(1)}`
        : `label=${published.slice(1)}`;
      return api<ResolvedPrompt>(
        "GET",
        `/api/v1/client/prompts/${encodeURIComponent(name)}?${query}`,
      );
    },
    enabled: name.trim() !== "",
    retry: false,
  });
  const variableList = resolved.data?.variables ?? [];
  const missing = variableList.filter((v) => v.required && !(variables[v.name] ?? "").trim());

  /** Strings stay strings; a schema that asks for numbers, booleans or JSON gets them parsed. */
  function typedVariables(): Record<string, unknown> {
    const typed: Record<string, unknown> = {};
    for (const v of variableList) {
      const raw = variables[v.name];
      if (raw === undefined || raw === "") continue;
      if (v.type === "number") typed[v.name] = Number(raw);
      else if (v.type === "boolean") typed[v.name] = raw === "true";
      else if (v.type === "object" || v.type === "array") typed[v.name] = JSON.parse(raw);
      else typed[v.name] = raw;
    }
    return typed;
  }

  async function run() {
    setProblem(undefined);
    let vars: Record<string, unknown>;
    try {
      vars = typedVariables();
    } catch (error) {
      setProblem(`a variable is not valid JSON: ${(error as Error).message}`);
      return;
    }
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setColumns((cols) => cols.map((c) => ({ selector: c.selector })));
    await Promise.all(
      columns.map(async (column, index) => {
        const final = await streamCompletion(
          {
            model: model.trim() ? model.trim() : `prompt:${name}${column.selector}`,
            messages: message.trim() ? [{ role: "user", content: message }] : [],
            promptline: {
              ...(model.trim() && { prompt: name }),
              ...(model.trim() &&
                (column.selector.startsWith("#")
                  ? { version: Number(column.selector.slice(1)) }
                  : { label: column.selector.slice(1) })),
              variables: vars,
              ...(provider && { provider }),
            },
          },
          (state) =>
            setColumns((cols) => cols.map((c, i) => (i === index ? { ...c, run: state } : c))),
          controller.signal,
        ).catch(
          (error: Error) => ({ status: "error", output: "", error: error.message }) as RunState,
        );
        setColumns((cols) => cols.map((c, i) => (i === index ? { ...c, run: final } : c)));
        if (final.traceId) {
          // The gateway writes its trace a moment after answering: ask until it is there.
          for (let attempt = 0; attempt < 10; attempt++) {
            const trace = await api<TraceDetail>("GET", `/api/v1/traces/${final.traceId}`).catch(
              () => undefined,
            );
            if (trace) {
              setColumns((cols) =>
                cols.map((c, i) => (i === index ? { ...c, cost: trace.cost } : c)),
              );
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      }),
    );
    void queryClient.invalidateQueries({ queryKey: ["traces"] });
  }

  async function loadTrace() {
    setProblem(undefined);
    try {
      const trace = await api<TraceDetail>(
        "GET",
        `/api/v1/traces/${encodeURIComponent(traceId.trim())}`,
      );
      if (trace.prompt) setName(trace.prompt.name);
      const recorded = (trace.metadata.variables ?? {}) as Record<string, unknown>;
      setVariables(
        Object.fromEntries(
          Object.entries(recorded).map(([k, v]) => [
            k,
            typeof v === "string" ? v : JSON.stringify(v),
          ]),
        ),
      );
      const messages = Array.isArray(trace.input)
        ? (trace.input as Array<{ role?: string; content?: unknown }>)
        : [];
      const lastUser = messages.filter((m) => m.role === "user").at(-1);
      setMessage(typeof lastUser?.content === "string" ? lastUser.content : "");
    } catch (error) {
      setProblem(`the trace could not be loaded: ${(error as Error).message}`);
    }
  }

  const options = [
    "@draft",
    "@production",
    "@staging",
    "@latest",
    ...(versions.data?.items ?? []).map((v) => `#${v.version}`),
  ];
  const snippet = name
    ? snippets(
        name,
        // Snippets are for what applications can run: the first published column, never the draft.
        published ?? "@production",
        typedVariablesSafe(),
        message,
      )
    : undefined;
  function typedVariablesSafe() {
    try {
      return typedVariables();
    } catch {
      return {};
    }
  }

  return (
    <section aria-labelledby="playground-title">
      <h1 id="playground-title">Playground</h1>
      <form
        aria-label="Run setup"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          Prompt <input value={name} onChange={(e) => setName(e.target.value.trim())} required />
        </label>
        <label>
          Provider{" "}
          <select value={provider} onChange={(e) => setProvider(e.target.value)}>
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
          <input value={model} onChange={(e) => setModel(e.target.value)} />
        </label>
        <label>
          Load inputs from trace{" "}
          <input value={traceId} onChange={(e) => setTraceId(e.target.value)} />
        </label>
        <button type="button" disabled={!traceId.trim()} onClick={() => void loadTrace()}>
          Load
        </button>
      </form>
      {resolved.isError && name && (
        <p role="alert" className="error">
          {resolved.error.message}
        </p>
      )}
      <fieldset className="filters">
        <legend>Variables</legend>
        {variableList.length === 0 && <span className="hint">This version has no variables.</span>}
        {variableList.map((v) => (
          <label key={v.name}>
            {v.name}
            {v.required ? " (required)" : ""}
            {v.type && v.type !== "string" ? ` — ${v.type}` : ""}
            <input
              value={variables[v.name] ?? ""}
              placeholder={v.default === undefined ? "" : String(v.default)}
              onChange={(e) => setVariables({ ...variables, [v.name]: e.target.value })}
            />
          </label>
        ))}
      </fieldset>
      <label className="search">
        User message
        <textarea value={message} onChange={(e) => setMessage(e.target.value)} rows={3} />
      </label>
      <fieldset className="filters">
        <legend>Compare</legend>
        {columns.map((column, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions on the screen
          <label key={index}>
            Column {index + 1}
            <select
              value={column.selector}
              onChange={(e) =>
                setColumns(columns.map((c, i) => (i === index ? { selector: e.target.value } : c)))
              }
            >
              {options.map((o) => (
                <option key={o} value={o}>
                  {o.startsWith("@") ? o.slice(1) : `v${o.slice(1)}`}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button type="button" onClick={() => setColumns([...columns, { selector: "@latest" }])}>
          Add column
        </button>
        {columns.length > 1 && (
          <button type="button" onClick={() => setColumns(columns.slice(0, -1))}>
            Remove column
          </button>
        )}
      </fieldset>
      {missing.length > 0 && (
        <p className="hint">
          Fill the required variables: {missing.map((v) => v.name).join(", ")}.
        </p>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <p>
        <button type="button" disabled={!name || missing.length > 0} onClick={() => void run()}>
          Run
        </button>
      </p>
      <div className="columns">
        {columns.map((column, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions on the screen
          <section key={index} aria-label={`Result ${index + 1}`} className="result">
            <h2>
              {column.selector.startsWith("@")
                ? column.selector.slice(1)
                : `v${column.selector.slice(1)}`}
            </h2>
            {!column.run && <p className="empty">Not run yet.</p>}
            {column.run?.error && (
              <p role="alert" className="error">
                {column.run.error}
              </p>
            )}
            {column.run && (
              <output aria-label={`Output ${index + 1}`} className="stream">
                {column.run.output}
              </output>
            )}
            {column.run?.status === "done" && (
              <p className="hint">
                {Math.round(column.run.latencyMs ?? 0)} ms (first token{" "}
                {Math.round(column.run.firstTokenMs ?? 0)} ms) ·{" "}
                {column.run.usage?.prompt_tokens ?? "?"} in /{" "}
                {column.run.usage?.completion_tokens ?? "?"} out tokens ·{" "}
                {column.cost === undefined
                  ? "cost…"
                  : column.cost === null
                    ? "no price for this model"
                    : `$${column.cost.toFixed(6)}`}
              </p>
            )}
          </section>
        ))}
      </div>
      {snippet && (
        <details>
          <summary>Use this from code</summary>
          {(["sdk", "openai", "curl"] as const).map((kind) => (
            <div key={kind}>
              <h3>
                {kind === "sdk"
                  ? "promptline SDK"
                  : kind === "openai"
                    ? "openai SDK through the gateway"
                    : "curl"}
              </h3>
              <textarea
                readOnly
                aria-label={`${kind} snippet`}
                className="snippet"
                rows={7}
                value={snippet[kind]}
              />
              <button
                type="button"
                onClick={() => void navigator.clipboard?.writeText(snippet[kind])}
              >
                Copy {kind} snippet
              </button>
            </div>
          ))}
        </details>
      )}
    </section>
  );
}
