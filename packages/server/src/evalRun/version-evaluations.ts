/**
 * A version's evaluations: the latest completed run per dataset where the version was a
 * candidate. Read from the runs each time, never copied into the immutable version row. The
 * version's detail shows them, and a gate judges the version on the same runs.
 */
import {
  candidateIndex,
  evidenceFromRun,
  type GateEvidence,
  type VersionEvaluation,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database, EvalRunRow } from "../storage/database.js";
import { latestCompletedRuns } from "./store.js";

/** Runs looked at, newest first: older runs of a busy prompt fall out of the version's evidence. */
export const RUNS_LOOKED_AT = 500;

/** One dataset's latest run of a version, and what it shows about the version's candidate. */
export interface RunOfVersion {
  run: EvalRunRow;
  evidence: GateEvidence;
}

/** Of `runs` (newest first), the latest per dataset in which `version` was a candidate. */
function latestOfVersion(runs: EvalRunRow[], version: number): RunOfVersion[] {
  const found = new Map<string, RunOfVersion>();
  for (const run of runs) {
    if (found.has(run.datasetName)) continue;
    const evidence = evidenceFromRun(run, candidateIndex(run.variants, version));
    if (evidence) found.set(run.datasetName, { run, evidence });
  }
  return [...found.values()];
}

/** The latest completed run per dataset in which `version` of the prompt was a candidate. */
export async function latestRunsOfVersion(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
  version: number,
): Promise<RunOfVersion[]> {
  const runs = await latestCompletedRuns(db, projectId, promptName, RUNS_LOOKED_AT);
  return latestOfVersion(runs, version);
}

export async function versionEvaluations(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
  version: number,
): Promise<VersionEvaluation[]> {
  return presentEvaluations(await latestRunsOfVersion(db, projectId, promptName, version));
}

/** Each version's evaluations, from one read of the prompt's runs: for the versions list. */
export async function evaluationsByVersion(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
  versions: number[],
): Promise<Map<number, VersionEvaluation[]>> {
  const runs = await latestCompletedRuns(db, projectId, promptName, RUNS_LOOKED_AT);
  return new Map(versions.map((v) => [v, presentEvaluations(latestOfVersion(runs, v))]));
}

function presentEvaluations(runs: RunOfVersion[]): VersionEvaluation[] {
  return runs.map(({ run, evidence: { candidate } }) => ({
    runId: run.id,
    dataset: run.datasetName,
    revision: run.datasetRevision,
    finishedAt: run.finishedAt ?? run.createdAt,
    scores: candidate.scores.flatMap((s) =>
      s.interval ? [{ scorer: s.scorer, ...s.interval }] : [],
    ),
    verdicts: candidate.comparison.map((c) => ({ scorer: c.scorer, verdict: c.verdict })),
  }));
}
