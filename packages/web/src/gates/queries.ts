import { ApiError } from "@promptline/client";
import type { GateRun, UnmetRequirement } from "@promptline/core";
import { useQueries, useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/**
 * Each environment's gate on each of `versions` of a prompt: under the prompt's key, so a deploy,
 * a publish or a gate event in the change feed refreshes them with the rest of the page.
 */
export function usePromptGates(name: string, versions: number[]) {
  const distinct = [...new Set(versions)];
  const results = useQueries({
    queries: distinct.map((version) => ({
      queryKey: ["prompt", name, "gates", version],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.gates.promptStatus(name, version, { signal }),
    })),
  });
  /** The environment's gate status for one version, once known. */
  return (version: number | undefined, environment: string) => {
    if (version === undefined) return undefined;
    const found = results[distinct.indexOf(version)];
    return found?.data?.items.find((item) => item.environment === environment);
  };
}

/** One environment's gate policy, or null when it has none. */
export function useEnvironmentGate(environment: string) {
  return useQuery({
    queryKey: ["gates", environment],
    queryFn: ({ signal }) => api.gates.get(environment, { signal }),
    enabled: environment !== "",
  });
}

/** What a deploy refused by a gate says (the 409's details.gate). */
export interface GateRefusal {
  environment: string;
  version: number | null;
  level: string;
  unmet: UnmetRequirement[];
  runs: Array<Pick<GateRun, "id" | "url">>;
  /** The server's sentence for the whole refusal. */
  message: string;
}

/** The gate's refusal in a failed deploy, or undefined when it failed for another reason. */
export function gateRefusalOf(error: unknown): GateRefusal | undefined {
  if (!(error instanceof ApiError) || (error.status !== 409 && error.status !== 403)) return;
  const gate = (error.details as { gate?: Omit<GateRefusal, "message"> } | undefined)?.gate;
  if (!gate || !Array.isArray(gate.unmet)) return;
  return { ...gate, runs: gate.runs ?? [], message: error.message };
}
