import type { Role } from "@promptline/core";
import type { Kysely } from "kysely";
import type { ApiKeyRow, Database } from "../storage/database.js";

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  keyHash: string;
  prefix: string;
  publicKey: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    role: row.role as Role,
    keyHash: row.key_hash,
    prefix: row.key_prefix,
    publicKey: row.public_key,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  };
}

export async function insertApiKey(db: Kysely<Database>, k: ApiKeyRecord): Promise<void> {
  await db
    .insertInto("api_keys")
    .values({
      id: k.id,
      project_id: k.projectId,
      name: k.name,
      role: k.role,
      key_hash: k.keyHash,
      key_prefix: k.prefix,
      public_key: k.publicKey,
      created_at: k.createdAt,
      created_by: k.createdBy,
      revoked_at: k.revokedAt,
    })
    .execute();
}

export async function findApiKeyByHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("key_hash", "=", keyHash)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function findApiKeyByPublicKey(
  db: Kysely<Database>,
  publicKey: string,
): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("public_key", "=", publicKey)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function findApiKey(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<ApiKeyRecord | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listApiKeys(
  db: Kysely<Database>,
  projectId: string,
): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("created_at")
    .execute();
  return rows.map(toRecord);
}

export async function markRevoked(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable("api_keys").set({ revoked_at: at }).where("id", "=", id).execute();
}
