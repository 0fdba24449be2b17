import type { Kysely } from "kysely";
import type { ApiKeyRow, Database } from "../storage/database.js";

export async function insertApiKey(db: Kysely<Database>, key: ApiKeyRow): Promise<void> {
  await db.insertInto("apiKeys").values(key).execute();
}

export async function findApiKeyByHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<ApiKeyRow | undefined> {
  return db.selectFrom("apiKeys").selectAll().where("keyHash", "=", keyHash).executeTakeFirst();
}

export async function findApiKeyByPublicKey(
  db: Kysely<Database>,
  publicKey: string,
): Promise<ApiKeyRow | undefined> {
  return db.selectFrom("apiKeys").selectAll().where("publicKey", "=", publicKey).executeTakeFirst();
}

export async function findApiKey(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom("apiKeys")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function listApiKeys(db: Kysely<Database>, projectId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("apiKeys")
    .selectAll()
    .where("projectId", "=", projectId)
    .orderBy("createdAt")
    .execute();
}

export async function markRevoked(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable("apiKeys").set({ revokedAt: at }).where("id", "=", id).execute();
}
