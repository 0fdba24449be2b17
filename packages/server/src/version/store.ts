import {
  type BumpLevel,
  type BumpSuggestion,
  type PromptContent,
  promptContentSchema,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database, PromptVersionRow } from "../storage/database.js";

export interface VersionRecord {
  id: string;
  promptId: string;
  version: number;
  semver: string;
  bump: BumpLevel | null;
  suggestedBump: BumpSuggestion | null;
  content: PromptContent;
  contentHash: string;
  variables: string[];
  commitMessage: string;
  author: string;
  createdAt: string;
  parentVersion: number | null;
}

function toRecord(row: PromptVersionRow): VersionRecord {
  return {
    id: row.id,
    promptId: row.prompt_id,
    version: row.version,
    semver: row.semver,
    bump: row.bump as BumpLevel | null,
    suggestedBump: row.suggested_bump ? (JSON.parse(row.suggested_bump) as BumpSuggestion) : null,
    content: promptContentSchema.parse(JSON.parse(row.content)),
    contentHash: row.content_hash,
    variables: JSON.parse(row.variables) as string[],
    commitMessage: row.commit_message,
    author: row.author,
    createdAt: row.created_at,
    parentVersion: row.parent_version,
  };
}

/** Versions are only ever inserted: there is no update or delete here, and triggers refuse both. */
export async function insertVersion(db: Kysely<Database>, v: VersionRecord): Promise<void> {
  await db
    .insertInto("prompt_versions")
    .values({
      id: v.id,
      prompt_id: v.promptId,
      version: v.version,
      semver: v.semver,
      bump: v.bump,
      suggested_bump: v.suggestedBump && JSON.stringify(v.suggestedBump),
      content: JSON.stringify(v.content),
      content_hash: v.contentHash,
      variables: JSON.stringify(v.variables),
      commit_message: v.commitMessage,
      author: v.author,
      created_at: v.createdAt,
      parent_version: v.parentVersion,
    })
    .execute();
}

export async function findVersion(
  db: Kysely<Database>,
  promptId: string,
  version: number,
): Promise<VersionRecord | undefined> {
  const row = await db
    .selectFrom("prompt_versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("version", "=", version)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function findVersionByHash(
  db: Kysely<Database>,
  promptId: string,
  contentHash: string,
): Promise<VersionRecord | undefined> {
  const row = await db
    .selectFrom("prompt_versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .where("content_hash", "=", contentHash)
    .orderBy("version")
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listVersions(
  db: Kysely<Database>,
  promptId: string,
): Promise<VersionRecord[]> {
  const rows = await db
    .selectFrom("prompt_versions")
    .selectAll()
    .where("prompt_id", "=", promptId)
    .orderBy("version", "desc")
    .execute();
  return rows.map(toRecord);
}
