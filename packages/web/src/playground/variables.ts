import type { VariableInfo } from "@promptline/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/**
 * The variables to ask for: those of `published` (the first column that is not the draft), or
 * else the draft's, which are all optional.
 */
export function useVariableList(name: string, published: string | undefined) {
  return useQuery({
    queryKey: ["prompt", name, "resolved", published ?? "@draft"],
    queryFn: async (): Promise<VariableInfo[]> => {
      if (!published) {
        const detail = await api.prompts.get(name);
        return detail.draftVariables.map((v) => ({ name: v, required: false }));
      }
      const resolved = await api.client.resolve(
        name,
        published.startsWith("#")
          ? { version: Number(published.slice(1)) }
          : { label: published.slice(1) },
      );
      // Asked without an ETag, the server always answers with the prompt.
      return resolved.status === 200 ? resolved.body.variables : [];
    },
    enabled: name.trim() !== "",
    retry: false,
  });
}

/** Strings stay strings; a schema that asks for numbers, booleans or JSON gets them parsed. */
export function typedVariables(
  list: VariableInfo[],
  values: Record<string, string>,
): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const v of list) {
    const raw = values[v.name];
    if (raw === undefined || raw === "") continue;
    if (v.type === "number") typed[v.name] = Number(raw);
    else if (v.type === "boolean") typed[v.name] = raw === "true";
    else if (v.type === "object" || v.type === "array") typed[v.name] = JSON.parse(raw);
    else typed[v.name] = raw;
  }
  return typed;
}
