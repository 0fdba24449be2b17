import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../client.js";

/**
 * The names of the prompts whose name, description or tags hold `text` (all of them, up to
 * `limit`, for none), asked once typing pauses: what a prompt picker suggests.
 */
export function useMatchingPrompts(text: string, limit = 20) {
  const [asked] = useDebouncedValue(text.trim(), 150);
  const matching = useQuery({
    queryKey: ["prompts", "picker", asked, limit],
    queryFn: () => api.prompts.list({ ...(asked && { q: asked }), limit }),
    placeholderData: keepPreviousData,
  });
  return matching.data?.items.map((p) => p.name) ?? [];
}
