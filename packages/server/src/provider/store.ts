import type { Kysely } from "kysely";
import type { Database, ProviderConnectionRow } from "../storage/database.js";

export async function listConnections(
  db: Kysely<Database>,
  projectId: string,
): Promise<ProviderConnectionRow[]> {
  return db
    .selectFrom("providerConnections")
    .selectAll()
    .where("projectId", "=", projectId)
    .orderBy("name")
    .execute();
}

export async function findConnection(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<ProviderConnectionRow | undefined> {
  return db
    .selectFrom("providerConnections")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export async function insertConnection(
  db: Kysely<Database>,
  row: ProviderConnectionRow,
): Promise<void> {
  await db.insertInto("providerConnections").values(row).execute();
}

export async function updateConnection(
  db: Kysely<Database>,
  row: ProviderConnectionRow,
): Promise<void> {
  const { id, projectId, name, createdAt, createdBy, ...changes } = row;
  await db.updateTable("providerConnections").set(changes).where("id", "=", id).execute();
}

export async function deleteConnection(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("providerConnections").where("id", "=", id).execute();
}
