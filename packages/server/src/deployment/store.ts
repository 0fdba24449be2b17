import type { Kysely } from "kysely";
import type { Database, DeploymentRow, NewDeployment } from "../storage/database.js";

export async function currentLabel(
  db: Kysely<Database>,
  promptId: string,
  environment: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom("labels")
    .select("version")
    .where("promptId", "=", promptId)
    .where("environment", "=", environment)
    .executeTakeFirst();
  return row?.version;
}

/** Points the label at a version and records the move, in the caller's transaction. */
export async function recordMove(
  db: Kysely<Database>,
  move: NewDeployment,
): Promise<DeploymentRow> {
  await db
    .insertInto("labels")
    .values({
      promptId: move.promptId,
      environment: move.environment,
      version: move.toVersion,
      updatedAt: move.createdAt,
    })
    .onConflict((oc) =>
      oc
        .columns(["promptId", "environment"])
        .doUpdateSet({ version: move.toVersion, updatedAt: move.createdAt }),
    )
    .execute();
  return db.insertInto("deployments").values(move).returningAll().executeTakeFirstOrThrow();
}

/**
 * Whether the environment has served this version of the prompt: a move went to it or left it.
 * A rollback may only go back to such a version; any other version goes through a deploy and its gate.
 */
export async function hasServed(
  db: Kysely<Database>,
  promptId: string,
  environment: string,
  version: number,
): Promise<boolean> {
  const row = await db
    .selectFrom("deployments")
    .select("id")
    .where("promptId", "=", promptId)
    .where("environment", "=", environment)
    .where((eb) => eb.or([eb("toVersion", "=", version), eb("fromVersion", "=", version)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
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
): Promise<DeploymentRow[]> {
  let query = db.selectFrom("deployments").selectAll().where("promptId", "=", promptId);
  if (filter.environment) query = query.where("environment", "=", filter.environment);
  if (filter.before) query = query.where("id", "<", filter.before);
  return query.orderBy("id", "desc").limit(filter.limit).execute();
}

/** The last move of a label at or before `at`. */
export async function moveAt(
  db: Kysely<Database>,
  promptId: string,
  environment: string,
  at: string,
): Promise<DeploymentRow | undefined> {
  return db
    .selectFrom("deployments")
    .selectAll()
    .where("promptId", "=", promptId)
    .where("environment", "=", environment)
    .where("createdAt", "<=", at)
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/** Moves of a prompt's labels made in [from, to), oldest first. */
export async function movesBetween(
  db: Kysely<Database>,
  promptId: string,
  from: string,
  to: string,
): Promise<DeploymentRow[]> {
  return db
    .selectFrom("deployments")
    .selectAll()
    .where("promptId", "=", promptId)
    .where("createdAt", ">=", from)
    .where("createdAt", "<", to)
    .orderBy("id")
    .execute();
}
