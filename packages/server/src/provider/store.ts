import type { Kysely } from "kysely";
import type { Database, ProviderConnectionRow } from "../storage/database.js";

export async function listConnections(
  db: Kysely<Database>,
  projectId: string,
): Promise<ProviderConnectionRow[]> {
  return db
    .selectFrom("provider_connections")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("name")
    .execute();
}

export async function findConnection(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<ProviderConnectionRow | undefined> {
  return db
    .selectFrom("provider_connections")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export async function insertConnection(
  db: Kysely<Database>,
  row: ProviderConnectionRow,
): Promise<void> {
  await db.insertInto("provider_connections").values(row).execute();
}

export async function updateConnection(
  db: Kysely<Database>,
  row: ProviderConnectionRow,
): Promise<void> {
  const { id, project_id, name, created_at, created_by, ...changes } = row;
  await db.updateTable("provider_connections").set(changes).where("id", "=", id).execute();
}

export async function deleteConnection(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("provider_connections").where("id", "=", id).execute();
}
