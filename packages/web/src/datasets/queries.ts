/**
 * What the datasets screens read, in one place: the query keys (so a change made on one screen
 * refreshes the others) and the reads themselves.
 */
import { can } from "@promptline/core";
import { keepPreviousData, type QueryClient, useQuery } from "@tanstack/react-query";
import { api } from "../client.js";
import { useSession } from "../session/session.js";

/** Cases per page of the cases table. */
export const CASES_PAGE_SIZE = 50;

export const datasetKeys = {
  all: ["datasets"] as const,
  list: (query: object) => ["datasets", "list", query] as const,
  one: (name: string) => ["datasets", "one", name] as const,
  revisions: (name: string) => ["datasets", "revisions", name] as const,
  cases: (name: string, query: object) => ["datasets", "cases", name, query] as const,
};

/** After a change to a dataset: everything shown about datasets is asked for again. */
export function refreshDatasets(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: datasetKeys.all });
}

/** Whether the signed-in key may change datasets (editor, admin), and its role for saying why not. */
export function useDatasetWriter(): { mayWrite: boolean; role: string | undefined } {
  const session = useSession();
  return {
    mayWrite: session.data ? can(session.data, "dataset:write") : false,
    role: session.data?.role,
  };
}

/** One dataset: name, description, latest revision, how many cases. */
export function useDataset(name: string) {
  return useQuery({
    queryKey: datasetKeys.one(name),
    queryFn: ({ signal }) => api.datasets.get(name, { signal }),
  });
}

/** A dataset's revisions, newest first (the newest 100; older ones page in on the revisions tab). */
export function useRevisions(name: string, before?: number) {
  return useQuery({
    queryKey: [...datasetKeys.revisions(name), before ?? null],
    queryFn: ({ signal }) =>
      api.datasets.revisions(name, { limit: 100, ...(before && { before }) }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** A page of a revision's cases (the latest when none is named), optionally with one tag. */
export function useCases(name: string, query: { revision?: number; tag?: string; after?: string }) {
  const asked = {
    limit: CASES_PAGE_SIZE,
    ...(query.revision && { revision: query.revision }),
    ...(query.tag && { tag: query.tag }),
    ...(query.after && { after: query.after }),
  };
  return useQuery({
    queryKey: datasetKeys.cases(name, asked),
    queryFn: ({ signal }) => api.datasets.cases(name, asked, { signal }),
    placeholderData: keepPreviousData,
  });
}
