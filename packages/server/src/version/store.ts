import type { Kysely } from "kysely";
import type { Database, PromptVersionRow } from "../storage/database.js";

/** Versions are only ever inserted: there is no update or delete here, and triggers refuse both. */
export async function insertVersion(db: Kysely<Database>, v: PromptVersionRow): Promise<void> {
  await db.insertInto("promptVersions").values(v).execute();
}

export async function findVersion(
  db: Kysely<Database>,
  promptId: string,
  version: number,
): Promise<PromptVersionRow | undefined> {
  return db
    .selectFrom("promptVersions")
    .selectAll()
    .where("promptId", "=", promptId)
    .where("version", "=", version)
    .executeTakeFirst();
}

export async function findVersionByHash(
  db: Kysely<Database>,
  promptId: string,
  contentHash: string,
): Promise<PromptVersionRow | undefined> {
  return db
    .selectFrom("promptVersions")
    .selectAll()
    .where("promptId", "=", promptId)
    .where("contentHash", "=", contentHash)
    .orderBy("version")
    .executeTakeFirst();
}

export async function listVersions(
  db: Kysely<Database>,
  promptId: string,
): Promise<PromptVersionRow[]> {
  return db
    .selectFrom("promptVersions")
    .selectAll()
    .where("promptId", "=", promptId)
    .orderBy("version", "desc")
    .execute();
}
