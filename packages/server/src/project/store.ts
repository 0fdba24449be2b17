import type { Kysely } from "kysely";
import type { Database, ProjectRow } from "../storage/database.js";

export async function insertProject(db: Kysely<Database>, project: ProjectRow): Promise<void> {
  await db.insertInto("projects").values(project).execute();
}

export async function findProjectByName(
  db: Kysely<Database>,
  name: string,
): Promise<ProjectRow | undefined> {
  return db.selectFrom("projects").selectAll().where("name", "=", name).executeTakeFirst();
}
