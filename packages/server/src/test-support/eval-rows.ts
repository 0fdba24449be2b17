/**
 * Datasets and finished evaluation runs written straight into storage, for suites (gates) that
 * read runs without making them: the run's numbers are then exactly what the test says.
 */
import { randomUUID } from "node:crypto";
import type { EvalVariant, ScorerComparison, ScorerSpec, VariantSummary } from "@promptline/core";
import type { TestServer } from "./harness.js";

async function projectId(server: TestServer): Promise<string> {
  const row = await server.services.engine.db
    .selectFrom("projects")
    .select("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An empty dataset named `name` in the server's project. */
export async function insertDataset(server: TestServer, name: string): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await server.services.engine.db
    .insertInto("datasets")
    .values({
      id,
      projectId: await projectId(server),
      name,
      description: "",
      latestRevision: 1,
      caseCount: 0,
      createdAt: at,
      createdBy: "test",
      updatedAt: at,
    })
    .execute();
  return id;
}

export interface RunScore {
  scorer: string;
  mean: number;
  /** The comparison with the baseline; none when omitted. */
  verdict?: ScorerComparison["verdict"];
  difference?: number;
}

export interface FinishedRun {
  prompt: string;
  dataset: string;
  /** The candidate: a version, or a draft (null). */
  version: number | null;
  /** The version compared with; no baseline when omitted. */
  baseline?: number;
  scores: RunScore[];
  scorers?: ScorerSpec[];
  meanLatencyMs?: number;
  environment?: string;
  status?: "completed" | "running";
  /** When it finished; by default each run inserted finishes a second after the one before. */
  finishedAt?: string;
}

let runsMade = 0;

/** A completed run of one candidate (and its baseline) with the given means; its id. */
export async function insertRun(server: TestServer, run: FinishedRun): Promise<string> {
  const { db } = server.services.engine;
  const project = await projectId(server);
  const prompt = await db
    .selectFrom("prompts")
    .select("id")
    .where("name", "=", run.prompt)
    .executeTakeFirstOrThrow();
  const dataset = await db
    .selectFrom("datasets")
    .select("id")
    .where("name", "=", run.dataset)
    .executeTakeFirstOrThrow();
  const variants: EvalVariant[] = [
    {
      role: "candidate",
      label: run.version === null ? "draft" : `v${run.version}`,
      version: run.version,
      provider: null,
      model: null,
    },
  ];
  if (run.baseline !== undefined) {
    variants.push({
      role: "baseline",
      label: `v${run.baseline}`,
      version: run.baseline,
      provider: null,
      model: null,
    });
  }
  const interval = (mean: number) => ({ mean, low: mean - 0.05, high: mean + 0.05, n: 100 });
  const candidate: VariantSummary = {
    variant: 0,
    scores: run.scores.map((s) => ({ scorer: s.scorer, interval: interval(s.mean), errors: 0 })),
    meanLatencyMs: run.meanLatencyMs ?? 500,
    meanCostUsd: 0.001,
    errors: 0,
    comparison:
      run.baseline === undefined
        ? []
        : run.scores.map((s) => {
            const d = s.difference ?? 0;
            return {
              scorer: s.scorer,
              candidate: interval(s.mean),
              baseline: interval(s.mean - d),
              difference: { mean: d, low: d - 0.04, high: d + 0.04, n: 100 },
              pValue: s.verdict === "regressed" ? 0.001 : 0.5,
              verdict: s.verdict ?? "no significant change",
              improvedCases: 0,
              regressedCases: 0,
              unchangedCases: 100,
            };
          }),
    baselineVariant: run.baseline === undefined ? null : 1,
  };
  runsMade += 1;
  const finishedAt = run.finishedAt ?? new Date(Date.UTC(2030, 0, 1, 0, 0, runsMade)).toISOString();
  const id = randomUUID();
  await db
    .insertInto("evalRuns")
    .values({
      id,
      projectId: project,
      promptId: prompt.id,
      promptName: run.prompt,
      datasetId: dataset.id,
      datasetName: run.dataset,
      datasetRevision: 1,
      variants,
      scorers: run.scorers ?? run.scores.map((s) => ({ type: "equals", name: s.scorer })),
      environment: run.environment ?? null,
      concurrency: 4,
      requestsPerMinute: null,
      status: run.status ?? "completed",
      totalItems: 100,
      doneItems: 100,
      erroredItems: 0,
      error: null,
      summary: { variants: [candidate] },
      leaseOwner: null,
      leaseExpiresAt: null,
      createdAt: finishedAt,
      createdBy: "test",
      startedAt: finishedAt,
      finishedAt,
    })
    .execute();
  return id;
}
