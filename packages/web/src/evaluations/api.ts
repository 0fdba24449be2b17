/**
 * The one list the evaluation screens need that the typed client does not offer yet: the project's
 * datasets, to pick one to run on or to name in a gate policy. Through the workspace's transport
 * (cookies, the client header, its error types), like `api`.
 */
import { http } from "../client.js";

/** A dataset as its list shows it: enough to pick one and its revision. */
export interface DatasetSummary {
  name: string;
  description: string;
  /** The newest revision (0 until the first change); runs use it unless told otherwise. */
  latestRevision: number;
  caseCount: number;
}

export const evalApi = {
  datasets: {
    list: (call?: { signal?: AbortSignal }) =>
      http.json<{ items: DatasetSummary[] }>("GET", "/api/v1/datasets", {
        ...call,
        query: { limit: 200 },
      }),
  },
};
