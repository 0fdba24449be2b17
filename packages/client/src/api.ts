import type * as core from "@promptline/core";
import type { z } from "zod";
import { apiErrorOf } from "./errors.js";
import { sseEvents } from "./sse.js";
import type { Fetched, RequestOptions, Transport } from "./transport.js";

/** What the server answers with a schema (output) and what a caller sends to it (input). */
type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;
type Items<S extends z.ZodType> = { items: Out<S>[] };
type Call = Pick<RequestOptions, "signal">;

/** Prompt names travel URL-encoded: support/refund-agent → support%2Frefund-agent. */
export function promptPath(name: string, rest = ""): string {
  return `/api/v1/prompts/${encodeURIComponent(name)}${rest}`;
}

/** An environment's gate policy. */
function gatePath(environment: string): string {
  return `/api/v1/environments/${encodeURIComponent(environment)}/gate`;
}

/** Dataset names travel URL-encoded like prompt names. */
export function datasetPath(name: string, rest = ""): string {
  return `/api/v1/datasets/${encodeURIComponent(name)}${rest}`;
}

/** The media type of each case file format. */
export const CASE_FILE_TYPES = { csv: "text/csv", jsonl: "application/x-ndjson" } as const;

/** A file of cases on its way out of the server: read `body` as it arrives. */
export interface CaseFileDownload {
  revision: number;
  fileName: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * The promptline API, one typed method per endpoint. Requests and answers are the types of the
 * zod schemas the server validates with (from @promptline/core), so a change to a schema is a
 * type error at every caller.
 */
export function createApi(http: Transport) {
  const get = <T>(path: string, query?: object, call?: Call) =>
    http.json<T>("GET", path, { ...call, ...(query && { query }) });
  const post = <T>(path: string, body: unknown, call?: Call) =>
    http.json<T>("POST", path, { ...call, body });
  const patch = <T>(path: string, body: unknown) => http.json<T>("PATCH", path, { body });
  const put = <T>(path: string, body: unknown) => http.json<T>("PUT", path, { body });
  const remove = <T>(path: string) => http.json<T>("DELETE", path);
  const encode = encodeURIComponent;

  return {
    prompts: {
      list: (query: In<typeof core.promptListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.promptListSchema>>("/api/v1/prompts", query, call),
      create: (body: In<typeof core.createPromptBodySchema>) =>
        post<Out<typeof core.promptDetailSchema>>("/api/v1/prompts", body),
      get: (name: string, call?: Call) =>
        get<Out<typeof core.promptDetailSchema>>(promptPath(name), undefined, call),
      update: (name: string, body: In<typeof core.updatePromptBodySchema>) =>
        patch<Out<typeof core.promptDetailSchema>>(promptPath(name), body),
      saveDraft: (name: string, content: In<typeof core.promptContentSchema>) =>
        put<Out<typeof core.promptDetailSchema>>(promptPath(name, "/draft"), content),
      folders: (call?: Call) =>
        get<Out<typeof core.folderListSchema>>("/api/v1/folders", undefined, call),
    },
    versions: {
      publish: (name: string, body: In<typeof core.publishBodySchema>) =>
        post<Out<typeof core.publishResultSchema>>(promptPath(name, "/versions"), body),
      list: (name: string, call?: Call) =>
        get<Out<typeof core.versionListSchema>>(promptPath(name, "/versions"), undefined, call),
      get: (name: string, version: number, call?: Call) =>
        get<Out<typeof core.versionSchema>>(
          promptPath(name, `/versions/${version}`),
          undefined,
          call,
        ),
      draftBump: (name: string, call?: Call) =>
        get<Out<typeof core.draftBumpSchema>>(promptPath(name, "/draft/bump"), undefined, call),
      diff: (name: string, query: In<typeof core.diffQuerySchema>, call?: Call) =>
        get<Out<typeof core.diffSchema>>(promptPath(name, "/diff"), query, call),
    },
    deployments: {
      deploy: (name: string, body: In<typeof core.deployBodySchema>) =>
        post<Out<typeof core.deploymentSchema>>(promptPath(name, "/deployments"), body),
      rollback: (name: string, body: In<typeof core.rollbackBodySchema>) =>
        post<Out<typeof core.deploymentSchema>>(promptPath(name, "/rollbacks"), body),
      history: (
        name: string,
        query: In<typeof core.deploymentHistoryQuerySchema> = {},
        call?: Call,
      ) =>
        get<Out<typeof core.deploymentListSchema>>(promptPath(name, "/deployments"), query, call),
      labelAt: (name: string, query: In<typeof core.labelAtQuerySchema>, call?: Call) =>
        get<Out<typeof core.labelAtSchema>>(promptPath(name, "/labels/at"), query, call),
    },
    rollouts: {
      start: (name: string, body: In<typeof core.startRolloutBodySchema>) =>
        post<Out<typeof core.rolloutSchema>>(promptPath(name, "/rollouts"), body),
      /** A prompt's rollouts, newest first. */
      list: (name: string, query: In<typeof core.rolloutListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.rolloutListSchema>>(promptPath(name, "/rollouts"), query, call),
      /** The project's rollouts (running and paused with active=true), newest first. */
      listAll: (query: In<typeof core.rolloutListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.rolloutListSchema>>("/api/v1/rollouts", query, call),
      /** A rollout with its decisions, guardrail checks over time and traffic per variant. */
      get: (name: string, id: number, call?: Call) =>
        get<Out<typeof core.rolloutDetailSchema>>(
          promptPath(name, `/rollouts/${id}`),
          undefined,
          call,
        ),
      /** advance (next canary step), pause, resume, promote (the candidate becomes the label's version) or abort (back to control). */
      act: (
        name: string,
        id: number,
        action: "advance" | "pause" | "resume" | "promote" | "abort",
        body: In<typeof core.rolloutActionBodySchema> = {},
      ) =>
        post<Out<typeof core.rolloutSchema>>(promptPath(name, `/rollouts/${id}/${action}`), body),
    },
    gates: {
      /** An environment's policy, null when it has none. */
      get: (environment: string, call?: Call) =>
        get<Out<typeof core.environmentGateSchema>>(gatePath(environment), undefined, call),
      set: (environment: string, policy: In<typeof core.gatePolicySchema>) =>
        put<Out<typeof core.environmentGateSchema>>(gatePath(environment), { policy }),
      remove: (environment: string) => remove<void>(gatePath(environment)),
      recommended: (dataset: string, call?: Call) =>
        get<Out<typeof core.recommendedGateSchema>>("/api/v1/gates/recommended", { dataset }, call),
      /** Each environment's verdict on a version (the latest when none is given). */
      promptStatus: (name: string, version?: number, call?: Call) =>
        get<Out<typeof core.promptGatesSchema>>(
          promptPath(name, "/gates"),
          version === undefined ? undefined : { version },
          call,
        ),
      /** The verdict an environment's gate would give a finished run's first candidate. */
      runGate: (runId: string, query: In<typeof core.runGateQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.gateVerdictSchema>>(
          `/api/v1/eval-runs/${encode(runId)}/gate`,
          query,
          call,
        ),
    },
    environments: {
      list: (call?: Call) =>
        get<Items<typeof core.environmentSchema>>("/api/v1/environments", undefined, call),
      create: (body: In<typeof core.createEnvironmentBodySchema>) =>
        post<Out<typeof core.environmentSchema>>("/api/v1/environments", body),
    },
    apiKeys: {
      list: (call?: Call) =>
        get<Items<typeof core.apiKeySchema>>("/api/v1/api-keys", undefined, call),
      create: (body: In<typeof core.createApiKeyBodySchema>) =>
        post<Out<typeof core.createdApiKeySchema>>("/api/v1/api-keys", body),
      revoke: (id: string) =>
        remove<Out<typeof core.apiKeySchema>>(`/api/v1/api-keys/${encode(id)}`),
    },
    providers: {
      list: (call?: Call) =>
        get<Items<typeof core.providerSchema>>("/api/v1/providers", undefined, call),
      create: (body: In<typeof core.createProviderBodySchema>) =>
        post<Out<typeof core.providerSchema>>("/api/v1/providers", body),
      get: (name: string, call?: Call) =>
        get<Out<typeof core.providerSchema>>(`/api/v1/providers/${encode(name)}`, undefined, call),
      update: (name: string, body: In<typeof core.updateProviderBodySchema>) =>
        patch<Out<typeof core.providerSchema>>(`/api/v1/providers/${encode(name)}`, body),
      remove: (name: string) => remove<void>(`/api/v1/providers/${encode(name)}`),
    },
    prices: {
      list: (call?: Call) =>
        get<Items<typeof core.modelPriceSchema>>("/api/v1/model-prices", undefined, call),
      set: (model: string, body: In<typeof core.setModelPriceBodySchema>) =>
        put<Out<typeof core.modelPriceSchema>>(`/api/v1/model-prices/${encode(model)}`, body),
      remove: (model: string) => remove<void>(`/api/v1/model-prices/${encode(model)}`),
    },
    traces: {
      ingest: (body: In<typeof core.ingestBodySchema>) =>
        post<Out<typeof core.ingestResultSchema>>("/api/v1/traces", body),
      list: (query: In<typeof core.traceListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.traceListSchema>>("/api/v1/traces", query, call),
      get: (id: string, call?: Call) =>
        get<Out<typeof core.traceDetailSchema>>(`/api/v1/traces/${encode(id)}`, undefined, call),
      score: (id: string, body: In<typeof core.scoreInputSchema>) =>
        post<Out<typeof core.scoreSchema>>(`/api/v1/traces/${encode(id)}/scores`, body),
      versionMetrics: (query: In<typeof core.metricsQuerySchema>, call?: Call) =>
        get<Out<typeof core.versionMetricsSchema>>("/api/v1/metrics/versions", query, call),
    },
    onlineEvaluations: {
      list: (query: In<typeof core.onlineEvalListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.onlineEvalRuleListSchema>>("/api/v1/online-evaluations", query, call),
      set: (prompt: string, environment: string, body: In<typeof core.onlineEvalRuleBodySchema>) =>
        put<Out<typeof core.onlineEvalRuleSchema>>(
          promptPath(prompt, `/online-evaluations/${encode(environment)}`),
          body,
        ),
      remove: (prompt: string, environment: string) =>
        remove<void>(promptPath(prompt, `/online-evaluations/${encode(environment)}`)),
    },
    datasets: {
      list: (query: In<typeof core.datasetListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.datasetListSchema>>("/api/v1/datasets", query, call),
      create: (body: In<typeof core.createDatasetBodySchema>) =>
        post<Out<typeof core.datasetSchema>>("/api/v1/datasets", body),
      get: (name: string, call?: Call) =>
        get<Out<typeof core.datasetSchema>>(datasetPath(name), undefined, call),
      update: (name: string, body: In<typeof core.updateDatasetBodySchema>) =>
        patch<Out<typeof core.datasetSchema>>(datasetPath(name), body),
      revisions: (name: string, query: In<typeof core.revisionListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.revisionListSchema>>(datasetPath(name, "/revisions"), query, call),
      cases: (name: string, query: In<typeof core.caseListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.caseListSchema>>(datasetPath(name, "/cases"), query, call),
      revise: (name: string, body: In<typeof core.reviseBodySchema>) =>
        post<Out<typeof core.datasetRevisionSchema>>(datasetPath(name, "/revisions"), body),
      /** Sends a CSV or JSONL file (a stream is sent as it is read) as the next revision. */
      import: (
        name: string,
        file: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | string,
        query: In<typeof core.importQuerySchema> & { format: core.CaseFileFormat },
        call?: Call,
      ) =>
        http.json<Out<typeof core.importResultSchema>>("POST", datasetPath(name, "/import"), {
          ...call,
          query,
          upload: { body: file, contentType: CASE_FILE_TYPES[query.format] },
          timeoutMs: 0,
        }),
      /** A revision's cases as a file, streamed: the answer's body is read as it arrives. */
      export: async (
        name: string,
        query: In<typeof core.exportQuerySchema> = {},
        call?: Call,
      ): Promise<CaseFileDownload> => {
        const response = await http.send("GET", datasetPath(name, "/export"), {
          ...call,
          query,
          timeoutMs: 0,
        });
        const disposition = response.headers.get("content-disposition") ?? "";
        return {
          revision: Number(response.headers.get("x-promptline-dataset-revision")),
          fileName:
            /filename="([^"]+)"/.exec(disposition)?.[1] ?? `export.${query.format ?? "jsonl"}`,
          body: response.body ?? new ReadableStream({ start: (c) => c.close() }),
        };
      },
      fromTraces: (name: string, body: In<typeof core.fromTracesBodySchema>) =>
        post<Out<typeof core.fromTracesResultSchema>>(datasetPath(name, "/from-traces"), body),
    },
    evalRuns: {
      create: (body: In<typeof core.createEvalRunBodySchema>) =>
        post<Out<typeof core.evalRunSchema>>("/api/v1/eval-runs", body),
      list: (query: In<typeof core.evalRunListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.evalRunListSchema>>("/api/v1/eval-runs", query, call),
      get: (id: string, call?: Call) =>
        get<Out<typeof core.evalRunSchema>>(`/api/v1/eval-runs/${encode(id)}`, undefined, call),
      results: (id: string, query: In<typeof core.evalResultsQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.evalResultsPageSchema>>(
          `/api/v1/eval-runs/${encode(id)}/results`,
          query,
          call,
        ),
      cancel: (id: string) =>
        post<Out<typeof core.evalRunSchema>>(`/api/v1/eval-runs/${encode(id)}/cancel`, undefined),
      resume: (id: string) =>
        post<Out<typeof core.evalRunSchema>>(`/api/v1/eval-runs/${encode(id)}/resume`, undefined),
      submitScores: (id: string, body: In<typeof core.submitEvalScoresBodySchema>) =>
        post<Out<typeof core.submitEvalScoresResultSchema>>(
          `/api/v1/eval-runs/${encode(id)}/scores`,
          body,
        ),
      /**
       * The run's progress as it changes (at most twice a second), ending with its final state
       * once it has finished. Stops early when `signal` aborts.
       */
      progress: async function* (
        id: string,
        call?: Call,
      ): AsyncGenerator<Out<typeof core.evalProgressEventSchema>> {
        const response = await http.send("GET", `/api/v1/eval-runs/${encode(id)}/progress`, {
          headers: { accept: "text/event-stream" },
          ...call,
          timeoutMs: 0,
          retryable: () => false,
        });
        if (!response.ok || !response.body) throw await apiErrorOf(response);
        for await (const event of sseEvents(response.body)) {
          if (event.event === "end") return;
          if (event.event === "progress") yield JSON.parse(event.data);
        }
      },
    },
    events: {
      list: (query: In<typeof core.auditEventListQuerySchema> = {}, call?: Call) =>
        get<Out<typeof core.auditEventListSchema>>("/api/v1/events", query, call),
    },
    session: {
      signIn: (apiKey: string) =>
        post<Out<typeof core.sessionSchema>>("/api/v1/session", { apiKey }),
      current: (call?: Call) =>
        get<Out<typeof core.sessionSchema>>("/api/v1/session", undefined, call),
      signOut: () => remove<void>("/api/v1/session"),
    },
    client: {
      /** Resolves a prompt by label or version; conditional when the last ETag is given. */
      resolve: (
        name: string,
        query: In<typeof core.resolveQuerySchema>,
        etag?: string | null,
        options?: Pick<RequestOptions, "signal" | "retryable">,
      ): Promise<Fetched<Out<typeof core.resolvedPromptSchema>>> =>
        http.conditional(`/api/v1/client/prompts/${encode(name)}`, etag, { ...options, query }),
      compile: (name: string, body: In<typeof core.compileBodySchema>) =>
        post<Out<typeof core.compiledPromptSchema>>(
          `/api/v1/client/prompts/${encode(name)}/compile`,
          body,
        ),
    },
  };
}

export type Api = ReturnType<typeof createApi>;
