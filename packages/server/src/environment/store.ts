import type { Kysely } from "kysely";
import type { Database, EnvironmentRow } from "../storage/database.js";

export async function insertEnvironment(db: Kysely<Database>, env: EnvironmentRow): Promise<void> {
  await db.insertInto("environments").values(env).execute();
}

export async function listEnvironments(
  db: Kysely<Database>,
  projectId: string,
): Promise<EnvironmentRow[]> {
  return db
    .selectFrom("environments")
    .selectAll()
    .where("projectId", "=", projectId)
    .orderBy("createdAt")
    .orderBy("name")
    .execute();
}

export async function findEnvironment(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<EnvironmentRow | undefined> {
  return db
    .selectFrom("environments")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
}
