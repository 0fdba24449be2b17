import type { Deployment } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

export function usePrompt(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "detail"],
    queryFn: () => api.prompts.get(name),
  });
}

export function useVersions(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "versions"],
    queryFn: () => api.versions.list(name),
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

export type { Deployment };
