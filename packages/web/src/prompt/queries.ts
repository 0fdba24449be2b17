import type { Deployment } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/** A prompt with its draft and labels; a screen where the name is typed asks only once there is one. */
export function usePrompt(name: string, { whenNamed = false } = {}) {
  return useQuery({
    queryKey: ["prompt", name, "detail"],
    queryFn: () => api.prompts.get(name),
    ...(whenNamed && { enabled: name !== "", retry: false }),
  });
}

export function useVersions(name: string, { whenNamed = false } = {}) {
  return useQuery({
    queryKey: ["prompt", name, "versions"],
    queryFn: () => api.versions.list(name),
    ...(whenNamed && { enabled: name !== "" }),
  });
}

export function useDeployments(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "deployments"],
    queryFn: () => api.deployments.history(name, { limit: 200 }),
  });
}

export function useEnvironments() {
  return useQuery({
    queryKey: ["environments"],
    queryFn: () => api.environments.list(),
  });
}

/** The project's provider connections. */
export function useProviders() {
  return useQuery({ queryKey: ["providers"], queryFn: () => api.providers.list() });
}

export type { Deployment };
