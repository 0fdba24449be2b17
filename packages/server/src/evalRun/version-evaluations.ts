/**
 * A version's evaluations, as its detail shows them: the latest completed run per dataset where
 * the version was a candidate. Read from the runs each time, never copied into the immutable
 * version row.
 */
import type { VersionEvaluation } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";
import { latestCompletedRuns } from "./store.js";

/** Runs looked at, newest first: older runs of a busy prompt fall out of the version's detail. */
const RUNS_LOOKED_AT = 200;

export async function versionEvaluations(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
  version: number,
): Promise<VersionEvaluation[]> {
  const runs = await latestCompletedRuns(db, projectId, promptName, RUNS_LOOKED_AT);
  const found = new Map<string, VersionEvaluation>();
  for (const run of runs) {
    if (found.has(run.datasetName) || !run.summary || !run.finishedAt) continue;
    const index = run.variants.findIndex((v) => v.role === "candidate" && v.version === version);
    const variant = index === -1 ? undefined : run.summary.variants[index];
    if (!variant) continue;
    found.set(run.datasetName, {
      runId: run.id,
      dataset: run.datasetName,
      revision: run.datasetRevision,
      finishedAt: run.finishedAt,
      scores: variant.scores.flatMap((s) =>
        s.interval ? [{ scorer: s.scorer, ...s.interval }] : [],
      ),
      verdicts: variant.comparison.map((c) => ({ scorer: c.scorer, verdict: c.verdict })),
    });
  }
  return [...found.values()];
}
