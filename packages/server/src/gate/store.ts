/** Gate policies, and the finished runs a gate reads as evidence. */
import type { Kysely } from "kysely";
import type { Database, EvalRunRow, GatePolicyRow } from "../storage/database.js";

export async function findGatePolicy(
  db: Kysely<Database>,
  projectId: string,
  environment: string,
): Promise<GatePolicyRow | undefined> {
  return db
    .selectFrom("gatePolicies")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("environment", "=", environment)
    .executeTakeFirst();
}

export async function listGatePolicies(
  db: Kysely<Database>,
  projectId: string,
): Promise<GatePolicyRow[]> {
  return db.selectFrom("gatePolicies").selectAll().where("projectId", "=", projectId).execute();
}

export async function saveGatePolicy(db: Kysely<Database>, row: GatePolicyRow): Promise<void> {
  await db
    .insertInto("gatePolicies")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["projectId", "environment"]).doUpdateSet({
        policy: row.policy,
        updatedAt: row.updatedAt,
        updatedBy: row.updatedBy,
      }),
    )
    .execute();
}

/** Removes the policy; whether there was one. */
export async function deleteGatePolicy(
  db: Kysely<Database>,
  projectId: string,
  environment: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom("gatePolicies")
    .where("projectId", "=", projectId)
    .where("environment", "=", environment)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** How many of a prompt's latest finished runs a gate looks through for a version's evidence. */
export const EVIDENCE_SCAN = 500;

/**
 * A prompt's completed runs, newest first, at most EVIDENCE_SCAN of them: which of them
 * evaluated a given version is read from their variants (JSON) by the caller.
 */
export async function latestCompletedRuns(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
): Promise<EvalRunRow[]> {
  return db
    .selectFrom("evalRuns")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("promptName", "=", promptName)
    .where("status", "=", "completed")
    .orderBy("finishedAt", "desc")
    .orderBy("id", "desc")
    .limit(EVIDENCE_SCAN)
    .execute();
}

export async function findRun(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<EvalRunRow | undefined> {
  return db
    .selectFrom("evalRuns")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The newest completed run on a dataset, of any prompt: whose scorers a recommendation uses. */
export async function latestRunOnDataset(
  db: Kysely<Database>,
  projectId: string,
  datasetId: string,
): Promise<EvalRunRow | undefined> {
  return db
    .selectFrom("evalRuns")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("datasetId", "=", datasetId)
    .where("status", "=", "completed")
    .orderBy("finishedAt", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}
