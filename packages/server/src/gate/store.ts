/** Gate policies per environment (the runs a gate reads are evalRun/store.ts's). */
import type { Kysely } from "kysely";
import type { Database, GatePolicyRow } from "../storage/database.js";

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
