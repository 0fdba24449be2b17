import { sleep } from "@promptline/client";
import type { GatewayRequest } from "@promptline/core";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api, http } from "../client.js";
import { type RunState, streamCompletion } from "./stream.js";

/** One version on the screen: `@label`, `#version` or `@draft`, and its last run. */
export interface Column {
  selector: string;
  run?: RunState;
  cost?: number | null;
}

/** What every column of a run is given. */
export interface RunInputs {
  name: string;
  /** Blank: each version's own model. */
  model: string;
  provider: string;
  message: string;
  variables: Record<string, unknown>;
}

/** The gateway request for one column: the prompt by reference, or its model overridden. */
function completionRequest(inputs: RunInputs, selector: string): Omit<GatewayRequest, "stream"> {
  const model = inputs.model.trim();
  const version = selector.startsWith("#")
    ? { version: Number(selector.slice(1)) }
    : { label: selector.slice(1) };
  return {
    model: model ? model : `prompt:${inputs.name}${selector}`,
    messages: inputs.message.trim() ? [{ role: "user", content: inputs.message }] : [],
    promptline: {
      ...(model && { prompt: inputs.name, ...version }),
      variables: inputs.variables,
      ...(inputs.provider && { provider: inputs.provider }),
      // Kept out of the dashboard's figures unless asked for.
      origin: "playground",
    },
  };
}

/** The gateway writes its trace a moment after answering: ask until it is there. */
async function costOf(traceId: string, signal: AbortSignal): Promise<number | null | undefined> {
  for (let attempt = 0; attempt < 10 && !signal.aborted; attempt++) {
    const trace = await api.traces.get(traceId, { signal }).catch(() => undefined);
    if (trace) return trace.cost;
    await sleep(200, signal);
  }
  return undefined;
}

/**
 * The columns compared and their runs: each column streams its own completion, then shows its
 * cost once the trace is written. A new run stops the previous one, whose late news is dropped.
 */
export function usePlaygroundRun() {
  const queryClient = useQueryClient();
  const [columns, setColumns] = useState<Column[]>([
    { selector: "@production" },
    { selector: "@latest" },
  ]);
  const current = useRef<AbortController | undefined>(undefined);

  async function run(inputs: RunInputs) {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    const { signal } = controller;
    const update = (index: number, patch: Partial<Column>) => {
      if (signal.aborted) return;
      setColumns((cols) => cols.map((c, i) => (i === index ? { ...c, ...patch } : c)));
    };
    setColumns((cols) => cols.map((c) => ({ selector: c.selector })));
    await Promise.all(
      columns.map(async (column, index) => {
        const final = await streamCompletion(
          http,
          completionRequest(inputs, column.selector),
          (state) => update(index, { run: state }),
          signal,
        );
        update(index, { run: final });
        if (!final.traceId) return;
        const cost = await costOf(final.traceId, signal);
        if (cost !== undefined) update(index, { cost });
      }),
    );
    void queryClient.invalidateQueries({ queryKey: ["traces"] });
  }

  return {
    columns,
    run,
    choose: (index: number, selector: string) =>
      setColumns((cols) => cols.map((c, i) => (i === index ? { selector } : c))),
    addColumn: () => setColumns((cols) => [...cols, { selector: "@latest" }]),
    removeColumn: () => setColumns((cols) => cols.slice(0, -1)),
  };
}
