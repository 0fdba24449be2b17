/**
 * Datasets in SQL: the dataset rows, their append-only revisions, and case rows shared across
 * revisions (each open in [firstRevision, removedRevision)). Only reads and writes; the rules
 * (what a change means, who may make it) are the service's.
 */
import { type Kysely, sql } from "kysely";
import type {
  Database,
  DatasetCaseRow,
  DatasetRevisionRow,
  DatasetRow,
  NewDatasetCase,
} from "../storage/database.js";
import { storedJsonText } from "../storage/stored-values.js";

/** Case rows written per statement: well under both engines' parameter limits. */
export const CASE_BATCH = 500;

/** `%`, `_` and `\` match themselves in LIKE patterns built from user text. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function findDatasetByName(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<DatasetRow | undefined> {
  return db
    .selectFrom("datasets")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export async function insertDataset(db: Kysely<Database>, row: DatasetRow): Promise<void> {
  await db.insertInto("datasets").values(row).execute();
}

export interface DatasetFilter {
  folder?: string | undefined;
  q?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** A page of a project's datasets by name. */
export async function listDatasets(
  db: Kysely<Database>,
  projectId: string,
  filter: DatasetFilter,
): Promise<DatasetRow[]> {
  let query = db.selectFrom("datasets").selectAll().where("projectId", "=", projectId);
  if (filter.folder) {
    const prefix = `${filter.folder.replace(/\/+$/, "")}/`;
    query = query.where(sql<string>`substr(name, 1, ${prefix.length})`, "=", prefix);
  }
  if (filter.q) {
    // Both engines lower-case ASCII alike.
    const pattern = likeContains(filter.q.toLowerCase());
    query = query.where((eb) =>
      eb.or(
        ["name", "description"].map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  if (filter.after) query = query.where("name", ">", filter.after);
  return query.orderBy("name").limit(filter.limit).execute();
}

export async function updateDatasetDescription(
  db: Kysely<Database>,
  id: string,
  description: string,
  updatedAt: string,
): Promise<void> {
  await db.updateTable("datasets").set({ description, updatedAt }).where("id", "=", id).execute();
}

/**
 * Takes the dataset's next revision number (with the case count before it). Its row stays locked until the transaction ends
 * (PostgreSQL; SQLite runs one transaction at a time), so concurrent changes queue here and each
 * builds on the one before.
 */
export async function claimNextRevision(
  db: Kysely<Database>,
  datasetId: string,
): Promise<{ revision: number; caseCount: number }> {
  const row = await db
    .updateTable("datasets")
    .set((eb) => ({ latestRevision: eb("latestRevision", "+", 1) }))
    .where("id", "=", datasetId)
    .returning(["latestRevision", "caseCount"])
    .executeTakeFirstOrThrow();
  return { revision: Number(row.latestRevision), caseCount: Number(row.caseCount) };
}

/** Records a revision and makes it the dataset's latest, with its case count. */
export async function recordRevision(
  db: Kysely<Database>,
  revision: DatasetRevisionRow,
): Promise<void> {
  await db.insertInto("datasetRevisions").values(revision).execute();
  await db
    .updateTable("datasets")
    .set({ caseCount: revision.caseCount, updatedAt: revision.createdAt })
    .where("id", "=", revision.datasetId)
    .execute();
}

export async function findRevision(
  db: Kysely<Database>,
  datasetId: string,
  revision: number,
): Promise<DatasetRevisionRow | undefined> {
  return db
    .selectFrom("datasetRevisions")
    .selectAll()
    .where("datasetId", "=", datasetId)
    .where("revision", "=", revision)
    .executeTakeFirst();
}

/** Revisions newest first, a page at a time (older than `before`). */
export async function listRevisions(
  db: Kysely<Database>,
  datasetId: string,
  page: { before?: number | undefined; limit: number },
): Promise<DatasetRevisionRow[]> {
  let query = db.selectFrom("datasetRevisions").selectAll().where("datasetId", "=", datasetId);
  if (page.before !== undefined) query = query.where("revision", "<", page.before);
  return query.orderBy("revision", "desc").limit(page.limit).execute();
}

/**
 * The cases of a revision, in the order they were added, a page at a time: the rows opened at
 * or before it and not removed by it. Pages continue after `afterCaseId`; `tag` keeps only the
 * cases carrying it.
 */
export async function listCasesAt(
  db: Kysely<Database>,
  datasetId: string,
  revision: number,
  page: { afterCaseId?: string | undefined; limit: number; tag?: string | undefined },
): Promise<DatasetCaseRow[]> {
  let query = db
    .selectFrom("datasetCases")
    .selectAll()
    .where("datasetId", "=", datasetId)
    .where("firstRevision", "<=", revision)
    .where((eb) =>
      eb.or([eb("removedRevision", "is", null), eb("removedRevision", ">", revision)]),
    );
  if (page.afterCaseId !== undefined) query = query.where("caseId", ">", page.afterCaseId);
  if (page.tag !== undefined) {
    // The quoted element of the JSON array, so `edge` does not match `edge-case`.
    const pattern = likeContains(storedJsonText(JSON.stringify(page.tag)));
    query = query.where(sql<boolean>`${sql.ref("tags")} like ${pattern} escape '\\'`);
  }
  return query.orderBy("caseId").limit(page.limit).execute();
}

/** The current form of each of these cases (those in the latest revision). */
export async function openCaseRows(
  db: Kysely<Database>,
  datasetId: string,
  caseIds: readonly string[],
): Promise<DatasetCaseRow[]> {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom("datasetCases")
    .selectAll()
    .where("datasetId", "=", datasetId)
    .where("caseId", "in", caseIds)
    .where("firstRevision", "is not", null)
    .where("removedRevision", "is", null)
    .execute();
}

/** Ends the current form of these cases at `revision` (edited or removed there). */
export async function closeCaseRows(
  db: Kysely<Database>,
  datasetId: string,
  caseIds: readonly string[],
  revision: number,
): Promise<void> {
  if (caseIds.length === 0) return;
  await db
    .updateTable("datasetCases")
    .set({ removedRevision: revision })
    .where("datasetId", "=", datasetId)
    .where("caseId", "in", caseIds)
    .where("firstRevision", "is not", null)
    .where("removedRevision", "is", null)
    .execute();
}

/** Inserts case rows, CASE_BATCH per statement. */
export async function insertCaseRows(
  db: Kysely<Database>,
  rows: readonly NewDatasetCase[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += CASE_BATCH) {
    await db
      .insertInto("datasetCases")
      .values(rows.slice(start, start + CASE_BATCH))
      .execute();
  }
}

/** Opens an import's staged rows at `revision`; returns how many there were. */
export async function commitStagedImport(
  db: Kysely<Database>,
  importId: string,
  revision: number,
): Promise<number> {
  const result = await db
    .updateTable("datasetCases")
    .set({ firstRevision: revision, pendingImport: null })
    .where("pendingImport", "=", importId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes an import's staged rows (it failed, or was abandoned). */
export async function deleteStagedImport(db: Kysely<Database>, importId: string): Promise<void> {
  await db.deleteFrom("datasetCases").where("pendingImport", "=", importId).execute();
}

/**
 * Deletes the staged rows of imports that began before `before` and never finished (their
 * server stopped mid-way): no import runs that long, and those of other instances that are
 * still running are younger.
 */
export async function deleteAbandonedImports(
  db: Kysely<Database>,
  before: string,
): Promise<number> {
  const result = await db
    .deleteFrom("datasetCases")
    .where("pendingImport", "is not", null)
    .where("createdAt", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
