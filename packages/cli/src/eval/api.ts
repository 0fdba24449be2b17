/**
 * The endpoints `promptline eval` calls, in one place: the run, its results and scores, and the
 * gates. Typed by core's schemas like the rest of the client.
 */
import type { ApiClient } from "@promptline/client";
import type {
  CreateEvalRunBody,
  EnvironmentGate,
  EvalResultsPage,
  EvalRun,
  GateVerdict,
  SubmitEvalScoresBody,
} from "@promptline/core";
import type { z } from "zod";

type CreateBody = z.input<typeof import("@promptline/core").createEvalRunBodySchema>;

export function evalApi(api: ApiClient) {
  const { http } = api;
  const run = (id: string, rest = "") => `/api/v1/eval-runs/${encodeURIComponent(id)}${rest}`;
  return {
    create: (body: CreateBody | CreateEvalRunBody) =>
      http.json<EvalRun>("POST", "/api/v1/eval-runs", { body }),
    get: (id: string) => http.json<EvalRun>("GET", run(id)),
    cancel: (id: string) => http.json<EvalRun>("POST", run(id, "/cancel")),
    results: (id: string, query: { limit: number; after?: string }) =>
      http.json<EvalResultsPage>("GET", run(id, "/results"), { query }),
    submitScores: (id: string, body: SubmitEvalScoresBody) =>
      http.json<unknown>("POST", run(id, "/scores"), { body }),
    runGate: (id: string, query: { environment: string; level?: string }) =>
      http.json<GateVerdict>("GET", run(id, "/gate"), { query }),
    environmentGate: (environment: string) =>
      http.json<EnvironmentGate>(
        "GET",
        `/api/v1/environments/${encodeURIComponent(environment)}/gate`,
      ),
  };
}

export type EvalApi = ReturnType<typeof evalApi>;
