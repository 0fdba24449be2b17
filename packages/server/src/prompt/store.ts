import { type Kysely, sql } from "kysely";
import type { Database, PromptRow } from "../storage/database.js";
import { storedJsonText } from "../storage/stored-values.js";

/** What the registry reads of a prompt: all but the search columns. */
const PROMPT_COLUMNS = [
  "id",
  "projectId",
  "name",
  "type",
  "description",
  "tags",
  "draft",
  "draftUpdatedAt",
  "draftUpdatedBy",
  "latestVersion",
  "createdAt",
  "createdBy",
  "updatedAt",
] as const satisfies ReadonlyArray<keyof PromptRow>;

/**
 * Lowercased copies for search, made in JavaScript: SQLite's lower() folds ASCII only and
 * PostgreSQL's depends on the database locale, so neither engine can be asked to do it.
 */
function searchColumns(p: Pick<PromptRow, "name" | "description" | "tags">) {
  return {
    searchText: [p.name, p.description, ...p.tags].join("\n").toLowerCase(),
    tagIndex: p.tags.map((t) => t.toLowerCase()),
  };
}

export async function insertPrompt(db: Kysely<Database>, p: PromptRow): Promise<void> {
  await db
    .insertInto("prompts")
    .values({ ...p, ...searchColumns(p) })
    .execute();
}

export async function findPromptByName(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<PromptRow | undefined> {
  return db
    .selectFrom("prompts")
    .select(PROMPT_COLUMNS)
    .where("projectId", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export async function findPromptById(
  db: Kysely<Database>,
  id: string,
): Promise<PromptRow | undefined> {
  return db.selectFrom("prompts").select(PROMPT_COLUMNS).where("id", "=", id).executeTakeFirst();
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
): Promise<PromptRow[]> {
  let query = db.selectFrom("prompts").select(PROMPT_COLUMNS).where("projectId", "=", projectId);
  if (filter.folder) {
    const prefix = `${filter.folder.replace(/\/+$/, "")}/`;
    query = query.where(sql<string>`substr(name, 1, ${prefix.length})`, "=", prefix);
  }
  if (filter.tag) {
    // The quoted element of the JSON array, so `ops` does not match `devops`; written as storage
    // writes the array, so a tag given with NUL finds the one stored.
    const pattern = likeContains(storedJsonText(JSON.stringify(filter.tag)));
    query = query.where(sql<boolean>`${sql.ref("tagIndex")} like ${pattern} escape '\\'`);
  }
  if (filter.q) {
    query = query.where(
      sql<boolean>`${sql.ref("searchText")} like ${likeContains(filter.q)} escape '\\'`,
    );
  }
  if (filter.after) query = query.where("name", ">", filter.after);
  return query.orderBy("name").limit(filter.limit).execute();
}

/** Writes a prompt's description and tags (and what search derives from them). */
export async function updatePromptMetadata(db: Kysely<Database>, p: PromptRow): Promise<void> {
  await db
    .updateTable("prompts")
    .set({
      description: p.description,
      tags: p.tags,
      ...searchColumns(p),
      updatedAt: p.updatedAt,
    })
    .where("id", "=", p.id)
    .execute();
}

export async function updatePromptRow(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<PromptRow, "draft" | "latestVersion">> & {
    updatedAt: string;
    draftUpdatedBy?: string;
  },
): Promise<void> {
  await db
    .updateTable("prompts")
    .set({
      updatedAt: changes.updatedAt,
      ...(changes.draft !== undefined && {
        draft: changes.draft,
        draftUpdatedAt: changes.updatedAt,
        draftUpdatedBy: changes.draftUpdatedBy ?? "",
      }),
      ...(changes.latestVersion !== undefined && { latestVersion: changes.latestVersion }),
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
    .select(["promptId", "environment", "version"])
    .where("promptId", "in", promptIds)
    .orderBy("environment")
    .execute();
  for (const row of rows) {
    const labels = result.get(row.promptId) ?? {};
    labels[row.environment] = row.version;
    result.set(row.promptId, labels);
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
    .where("projectId", "=", projectId)
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
