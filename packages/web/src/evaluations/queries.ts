import type { EvalRun, EvalRunStatus } from "@promptline/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/** A run still has work to do: its page keeps asking how far it got. */
export const isActive = (status: EvalRunStatus) => status === "queued" || status === "running";

/** How often a running run's page asks for its progress: each second, as the brief promises. */
const LIVE_MS = 1_000;

/** The runs, newest first, of one prompt or all; a page at a time. */
export function useRuns(prompt: string | undefined, before: string | undefined) {
  return useQuery({
    queryKey: ["eval-runs", "list", prompt ?? "", before ?? ""],
    queryFn: ({ signal }) =>
      api.evalRuns.list({ ...(prompt && { prompt }), ...(before && { before }) }, { signal }),
    placeholderData: keepPreviousData,
    // A list with a run still going keeps its statuses fresh.
    refetchInterval: (query) =>
      query.state.data?.items.some((r) => isActive(r.status)) ? 3 * LIVE_MS : false,
  });
}

/** One run, asked for again each second while it runs so its progress moves. */
export function useRun(id: string) {
  return useQuery({
    queryKey: ["eval-runs", id],
    queryFn: ({ signal }) => api.evalRuns.get(id, { signal }),
    refetchInterval: (query) =>
      query.state.data && isActive(query.state.data.status) ? LIVE_MS : false,
  });
}

export interface ResultsFilter {
  variant: number | undefined;
  outcome: "improved" | "regressed" | "unchanged" | undefined;
  scorer: string | undefined;
}

/** One page of a run's per-case results; refreshed while the run is still producing them. */
export function useResults(run: EvalRun, filter: ResultsFilter, after: string | undefined) {
  return useQuery({
    queryKey: ["eval-runs", run.id, "results", filter, after ?? ""],
    queryFn: ({ signal }) =>
      api.evalRuns.results(
        run.id,
        {
          limit: 25,
          ...(filter.variant !== undefined && { variant: filter.variant }),
          ...(filter.outcome && { outcome: filter.outcome }),
          ...(filter.scorer && { scorer: filter.scorer }),
          ...(after && { after }),
        },
        { signal },
      ),
    placeholderData: keepPreviousData,
    refetchInterval: isActive(run.status) ? 3 * LIVE_MS : false,
  });
}

/** The project's datasets, to pick one to run on. */
export function useDatasets() {
  return useQuery({
    queryKey: ["datasets", "list"],
    queryFn: ({ signal }) => api.datasets.list({ limit: 200 }, { signal }),
  });
}
