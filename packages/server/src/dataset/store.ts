import type { Kysely } from "kysely";
import type { Database, DatasetCaseRow, DatasetRow } from "../storage/database.js";

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

/**
 * The cases of a revision, in the order they were added, a page at a time: the rows opened at
 * or before it and not removed by it. Pages continue after `afterCaseId`.
 */
export async function listCasesAt(
  db: Kysely<Database>,
  datasetId: string,
  revision: number,
  page: { afterCaseId?: string | undefined; limit: number },
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
  return query.orderBy("caseId").limit(page.limit).execute();
}
