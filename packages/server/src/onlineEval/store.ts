/** Reads and writes of the online-evaluation rules (one per prompt and environment). */
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";
import type { OnlineEvalRuleTable } from "../storage/evaluation-tables.js";

export type OnlineEvalRuleRow = OnlineEvalRuleTable;

export async function listRules(
  db: Kysely<Database>,
  projectId: string,
  promptName?: string,
): Promise<OnlineEvalRuleRow[]> {
  return db
    .selectFrom("onlineEvalRules")
    .selectAll()
    .where("projectId", "=", projectId)
    .$if(promptName !== undefined, (q) => q.where("promptName", "=", promptName as string))
    .orderBy("promptName")
    .orderBy("environment")
    .execute();
}

export async function upsertRule(db: Kysely<Database>, rule: OnlineEvalRuleRow): Promise<void> {
  const { projectId, promptName, environment, ...values } = rule;
  await db
    .insertInto("onlineEvalRules")
    .values(rule)
    .onConflict((oc) => oc.columns(["projectId", "promptName", "environment"]).doUpdateSet(values))
    .execute();
}

export async function deleteRule(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
  environment: string,
): Promise<number> {
  const result = await db
    .deleteFrom("onlineEvalRules")
    .where("projectId", "=", projectId)
    .where("promptName", "=", promptName)
    .where("environment", "=", environment)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether a trace has scores given by `actor` (the online evaluation scores a trace once). */
export async function hasScoresBy(
  db: Kysely<Database>,
  projectId: string,
  traceId: string,
  actor: string,
): Promise<boolean> {
  const found = await db
    .selectFrom("traceScores")
    .select("id")
    .where("projectId", "=", projectId)
    .where("traceId", "=", traceId)
    .where("actor", "=", actor)
    .limit(1)
    .executeTakeFirst();
  return found !== undefined;
}
