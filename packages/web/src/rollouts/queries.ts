import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";
import { isActive } from "./rolloutText.js";

/**
 * How often an open rollout asks again while it runs: the monitor's looks and the traffic are
 * not on the change feed (its decisions are, and refresh the page at once).
 */
const LIVE_MS = 3_000;

/**
 * A prompt's running and paused rollouts, under the prompt's key, so the change feed's rollout
 * events (and a deploy) refresh them with the rest of the page.
 */
export function useActiveRollouts(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "rollouts", "active"],
    queryFn: ({ signal }) => api.rollouts.list(name, { active: "true" }, { signal }),
    enabled: name !== "",
  });
}

/** A prompt's latest rollouts, running or ended, newest first. */
export function useRecentRollouts(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "rollouts", "recent"],
    queryFn: ({ signal }) => api.rollouts.list(name, { limit: 10 }, { signal }),
  });
}

/** One rollout with its decisions, looks and traffic, asked for again while it is active. */
export function useRollout(name: string, id: number | undefined) {
  return useQuery({
    queryKey: ["prompt", name, "rollouts", id],
    queryFn: ({ signal }) => api.rollouts.get(name, id ?? 0, { signal }),
    enabled: id !== undefined,
    refetchInterval: (query) =>
      query.state.data && isActive(query.state.data.status) ? LIVE_MS : false,
  });
}
