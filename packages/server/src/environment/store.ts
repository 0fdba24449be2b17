import type { Kysely } from "kysely";
import type { Database, EnvironmentRow } from "../storage/database.js";

export interface EnvironmentRecord {
  id: string;
  projectId: string;
  name: string;
  protected: boolean;
  createdAt: string;
  createdBy: string;
}

function toRecord(row: EnvironmentRow): EnvironmentRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    protected: row.protected === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export async function insertEnvironment(db: Kysely<Database>, e: EnvironmentRecord): Promise<void> {
  await db
    .insertInto("environments")
    .values({
      id: e.id,
      project_id: e.projectId,
      name: e.name,
      protected: e.protected ? 1 : 0,
      created_at: e.createdAt,
      created_by: e.createdBy,
    })
    .execute();
}

export async function listEnvironments(
  db: Kysely<Database>,
  projectId: string,
): Promise<EnvironmentRecord[]> {
  const rows = await db
    .selectFrom("environments")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("created_at")
    .orderBy("name")
    .execute();
  return rows.map(toRecord);
}

export async function findEnvironment(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<EnvironmentRecord | undefined> {
  const row = await db
    .selectFrom("environments")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row && toRecord(row);
}
