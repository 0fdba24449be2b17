import type { Kysely } from "kysely";
import type { Database, DeploymentRow } from "../storage/database.js";

export interface DeploymentRecord {
  id: number;
  promptId: string;
  environment: string;
  kind: "deploy" | "rollback";
  fromVersion: number | null;
  toVersion: number;
  revertsId: number | null;
  actor: string;
  reason: string | null;
  createdAt: string;
}

export type NewDeployment = Omit<DeploymentRecord, "id">;

function toRecord(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    promptId: row.prompt_id,
    environment: row.environment,
    kind: row.kind as DeploymentRecord["kind"],
    fromVersion: row.from_version,
    toVersion: row.to_version,
    revertsId: row.reverts_id,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

export async function currentLabel(
  db: Kysely<Database>,
  promptId: string,
  environment: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("labels")
    .select("version")
    .where("prompt_id", "=", promptId)
    .where("environment", "=", environment)
    .executeTakeFirst();
  return row?.version;
}

/** Points the label at a version and records the move, in the caller's transaction. */
export async function recordMove(
  db: Kysely<Database>,
  move: NewDeployment,
): Promise<DeploymentRecord> {
  await db
    .insertInto("labels")
    .values({
      prompt_id: move.promptId,
      environment: move.environment,
      version: move.toVersion,
      updated_at: move.createdAt,
    })
    .onConflict((oc) =>
      oc
        .columns(["prompt_id", "environment"])
        .doUpdateSet({ version: move.toVersion, updated_at: move.createdAt }),
    )
    .execute();
  const row = await db
    .insertInto("deployments")
    .values({
      prompt_id: move.promptId,
      environment: move.environment,
      kind: move.kind,
      from_version: move.fromVersion,
      to_version: move.toVersion,
      reverts_id: move.revertsId,
      actor: move.actor,
      reason: move.reason,
      created_at: move.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export interface HistoryFilter {
  environment?: string | undefined;
  before?: number | undefined;
  limit: number;
}

/** Moves of a prompt's labels, newest first. */
export async function listMoves(
  db: Kysely<Database>,
  promptId: string,
  filter: HistoryFilter,
): Promise<DeploymentRecord[]> {
  let query = db.selectFrom("deployments").selectAll().where("prompt_id", "=", promptId);
  if (filter.environment) query = query.where("environment", "=", filter.environment);
  if (filter.before) query = query.where("id", "<", filter.before);
  const rows = await query.orderBy("id", "desc").limit(filter.limit).execute();
  return rows.map(toRecord);
}

/** The last move of a label at or before `at`. */
export async function moveAt(
  db: Kysely<Database>,
  promptId: string,
  environment: string,
  at: string,
): Promise<DeploymentRecord | undefined> {
  const row = await db
    .selectFrom("deployments")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("environment", "=", environment)
    .where("created_at", "<=", at)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Moves of a prompt's labels made in [from, to), oldest first. */
export async function movesBetween(
  db: Kysely<Database>,
  promptId: string,
  from: string,
  to: string,
): Promise<DeploymentRecord[]> {
  const rows = await db
    .selectFrom("deployments")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .orderBy("id")
    .execute();
  return rows.map(toRecord);
}
