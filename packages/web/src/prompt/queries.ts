import type {
  Deployment,
  DeploymentList,
  Environment,
  PromptDetail,
  PromptVersion,
} from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api.js";

export const promptPath = (name: string) => `/api/v1/prompts/${encodeURIComponent(name)}`;

export function usePrompt(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "detail"],
    queryFn: () => api<PromptDetail>("GET", promptPath(name)),
  });
}

export function useVersions(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "versions"],
    queryFn: () => api<{ items: PromptVersion[] }>("GET", `${promptPath(name)}/versions`),
  });
}

export function useDeployments(name: string) {
  return useQuery({
    queryKey: ["prompt", name, "deployments"],
    queryFn: () => api<DeploymentList>("GET", `${promptPath(name)}/deployments?limit=200`),
  });
}

export function useEnvironments() {
  return useQuery({
    queryKey: ["environments"],
    queryFn: () => api<{ items: Environment[] }>("GET", "/api/v1/environments"),
  });
}

export type { Deployment };
