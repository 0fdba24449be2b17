/**
 * The evaluation and gate endpoints the screens call, typed by core's schemas. They go through the
 * workspace's one transport (cookies, the client header, its error types) like `api`.
 */
import type * as core from "@promptline/core";
import type { z } from "zod";
import { http } from "../client.js";

type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;
type Call = { signal?: AbortSignal };

const encode = encodeURIComponent;
const run = (id: string, rest = "") => `/api/v1/eval-runs/${encode(id)}${rest}`;
const gate = (environment: string) => `/api/v1/environments/${encode(environment)}/gate`;

/** A dataset as its list shows it: enough to pick one and its revision. */
export interface DatasetSummary {
  name: string;
  description?: string | null;
  /** The newest revision; runs use it unless told otherwise. */
  revision: number;
  caseCount?: number;
}

export const evalApi = {
  runs: {
    list: (query: In<typeof core.evalRunListQuerySchema> = {}, call?: Call) =>
      http.json<Out<typeof core.evalRunListSchema>>("GET", "/api/v1/eval-runs", {
        ...call,
        query,
      }),
    create: (body: In<typeof core.createEvalRunBodySchema>) =>
      http.json<Out<typeof core.evalRunSchema>>("POST", "/api/v1/eval-runs", { body }),
    get: (id: string, call?: Call) =>
      http.json<Out<typeof core.evalRunSchema>>("GET", run(id), call),
    results: (id: string, query: In<typeof core.evalResultsQuerySchema> = {}, call?: Call) =>
      http.json<Out<typeof core.evalResultsPageSchema>>("GET", run(id, "/results"), {
        ...call,
        query,
      }),
    cancel: (id: string) =>
      http.json<Out<typeof core.evalRunSchema>>("POST", run(id, "/cancel"), { body: {} }),
    resume: (id: string) =>
      http.json<Out<typeof core.evalRunSchema>>("POST", run(id, "/resume"), { body: {} }),
  },
  gates: {
    get: (environment: string, call?: Call) =>
      http.json<Out<typeof core.environmentGateSchema>>("GET", gate(environment), call),
    set: (environment: string, body: In<typeof core.setGatePolicyBodySchema>) =>
      http.json<Out<typeof core.environmentGateSchema>>("PUT", gate(environment), { body }),
    remove: (environment: string) => http.json<void>("DELETE", gate(environment)),
    recommended: (query: In<typeof core.recommendedGateQuerySchema>, call?: Call) =>
      http.json<Out<typeof core.recommendedGateSchema>>("GET", "/api/v1/gates/recommended", {
        ...call,
        query,
      }),
    forPrompt: (name: string, version: number | undefined, call?: Call) =>
      http.json<Out<typeof core.promptGatesSchema>>(
        "GET",
        `/api/v1/prompts/${encode(name)}/gates`,
        { ...call, query: { version } },
      ),
  },
  datasets: {
    list: (call?: Call) =>
      http.json<{ items: DatasetSummary[] }>("GET", "/api/v1/datasets", {
        ...call,
        query: { limit: 200 },
      }),
  },
};
