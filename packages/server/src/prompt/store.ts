import { type PromptContent, type PromptType, promptContentSchema } from "@promptline/core";
import { type Kysely, sql } from "kysely";
import type { Database, PromptRow } from "../storage/database.js";

export interface PromptRecord {
  id: string;
  projectId: string;
  name: string;
  type: PromptType;
  description: string;
  tags: string[];
  draft: PromptContent;
  draftUpdatedAt: string;
  draftUpdatedBy: string;
  latestVersion: number | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

function toRecord(row: PromptRow): PromptRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    type: row.type as PromptType,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    draft: promptContentSchema.parse(JSON.parse(row.draft)),
    draftUpdatedAt: row.draft_updated_at,
    draftUpdatedBy: row.draft_updated_by,
    latestVersion: row.latest_version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

/**
 * Lowercased copies for search, made in JavaScript: SQLite's lower() folds ASCII only and
 * PostgreSQL's depends on the database locale, so neither engine can be asked to do it.
 */
function searchColumns(p: Pick<PromptRecord, "name" | "description" | "tags">) {
  return {
    search_text: [p.name, p.description, ...p.tags].join("\n").toLowerCase(),
    tag_index: JSON.stringify(p.tags.map((t) => t.toLowerCase())),
  };
}

export async function insertPrompt(db: Kysely<Database>, p: PromptRecord): Promise<void> {
  await db
    .insertInto("prompts")
    .values({
      id: p.id,
      project_id: p.projectId,
      name: p.name,
      type: p.type,
      description: p.description,
      tags: JSON.stringify(p.tags),
      ...searchColumns(p),
      draft: JSON.stringify(p.draft),
      draft_updated_at: p.draftUpdatedAt,
      draft_updated_by: p.draftUpdatedBy,
      latest_version: p.latestVersion,
      created_at: p.createdAt,
      created_by: p.createdBy,
      updated_at: p.updatedAt,
    })
    .execute();
}

export async function findPromptByName(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<PromptRecord | undefined> {
  const row = await db
    .selectFrom("prompts")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function findPromptById(
  db: Kysely<Database>,
  id: string,
): Promise<PromptRecord | undefined> {
  const row = await db.selectFrom("prompts").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toRecord(row);
}

/** `%`, `_` and `\` match themselves in the LIKE patterns built from user text. */
function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface PromptFilter {
  folder?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  after?: string | undefined;
  limit: number;
}

export async function listPrompts(
  db: Kysely<Database>,
  projectId: string,
  filter: PromptFilter,
): Promise<PromptRecord[]> {
  let query = db.selectFrom("prompts").selectAll().where("project_id", "=", projectId);
  if (filter.folder) {
    const prefix = `${filter.folder.replace(/\/+$/, "")}/`;
    query = query.where(sql<string>`substr(name, 1, ${prefix.length})`, "=", prefix);
  }
  if (filter.tag) {
    // The quoted element of the JSON array, so `ops` does not match `devops`.
    const pattern = likeContains(JSON.stringify(filter.tag));
    query = query.where(sql<boolean>`tag_index like ${pattern} escape '\\'`);
  }
  if (filter.q) {
    query = query.where(sql<boolean>`search_text like ${likeContains(filter.q)} escape '\\'`);
  }
  if (filter.after) query = query.where("name", ">", filter.after);
  const rows = await query.orderBy("name").limit(filter.limit).execute();
  return rows.map(toRecord);
}

/** Writes a prompt's description and tags (and what search derives from them). */
export async function updatePromptMetadata(db: Kysely<Database>, p: PromptRecord): Promise<void> {
  await db
    .updateTable("prompts")
    .set({
      description: p.description,
      tags: JSON.stringify(p.tags),
      ...searchColumns(p),
      updated_at: p.updatedAt,
    })
    .where("id", "=", p.id)
    .execute();
}

export async function updatePromptRow(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<PromptRecord, "draft" | "latestVersion">> & {
    updatedAt: string;
    draftUpdatedBy?: string;
  },
): Promise<void> {
  await db
    .updateTable("prompts")
    .set({
      updated_at: changes.updatedAt,
      ...(changes.draft !== undefined && {
        draft: JSON.stringify(changes.draft),
        draft_updated_at: changes.updatedAt,
        draft_updated_by: changes.draftUpdatedBy ?? "",
      }),
      ...(changes.latestVersion !== undefined && { latest_version: changes.latestVersion }),
    })
    .where("id", "=", id)
    .execute();
}

/** Current label → version map of each prompt. */
export async function labelsOfPrompts(
  db: Kysely<Database>,
  promptIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const result = new Map<string, Record<string, number>>();
  if (promptIds.length === 0) return result;
  const rows = await db
    .selectFrom("labels")
    .select(["prompt_id", "environment", "version"])
    .where("prompt_id", "in", promptIds)
    .orderBy("environment")
    .execute();
  for (const row of rows) {
    const labels = result.get(row.prompt_id) ?? {};
    labels[row.environment] = row.version;
    result.set(row.prompt_id, labels);
  }
  return result;
}

/** Every folder of the project's prompts (each prefix of a foldered name), with how many prompts are under it. */
export async function listFolders(
  db: Kysely<Database>,
  projectId: string,
): Promise<Array<{ path: string; prompts: number }>> {
  const rows = await db
    .selectFrom("prompts")
    .select("name")
    .where("project_id", "=", projectId)
    .execute();
  const counts = new Map<string, number>();
  for (const { name } of rows) {
    const segments = name.split("/");
    for (let depth = 1; depth < segments.length; depth++) {
      const path = segments.slice(0, depth).join("/");
      counts.set(path, (counts.get(path) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, prompts]) => ({ path, prompts }));
}
