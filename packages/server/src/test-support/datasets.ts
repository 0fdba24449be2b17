/**
 * Datasets for evaluation tests, written straight into storage as the dataset service lays them
 * out (a dataset row, one revision, the case rows open from it), so run tests need no dataset
 * routes.
 */
import { type CaseInput, timeOrderedId } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";

export interface SeedCase {
  input: Partial<CaseInput> & { variables: Record<string, unknown> };
  expected?: unknown;
  tags?: string[];
}

/** The project the test server's admin key belongs to (the only one). */
export async function defaultProjectId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom("projects").select("id").executeTakeFirstOrThrow();
  return row.id;
}

/** Creates dataset `name` with revision 1 holding `cases`, in the order given; its id. */
export async function seedDataset(
  db: Kysely<Database>,
  name: string,
  cases: SeedCase[],
): Promise<{ id: string; caseIds: string[] }> {
  const projectId = await defaultProjectId(db);
  const id = timeOrderedId(Date.now());
  const at = new Date().toISOString();
  const revision = cases.length === 0 ? 0 : 1;
  await db
    .insertInto("datasets")
    .values({
      id,
      projectId,
      name,
      description: "",
      latestRevision: revision,
      caseCount: cases.length,
      createdAt: at,
      createdBy: "test",
      updatedAt: at,
    })
    .execute();
  if (revision === 0) return { id, caseIds: [] };
  await db
    .insertInto("datasetRevisions")
    .values({
      datasetId: id,
      revision,
      message: "seeded",
      added: cases.length,
      updated: 0,
      removed: 0,
      caseCount: cases.length,
      actor: "test",
      createdAt: at,
    })
    .execute();
  const rows = cases.map((c) => ({
    rowId: timeOrderedId(Date.now()),
    datasetId: id,
    caseId: timeOrderedId(Date.now()),
    firstRevision: revision,
    removedRevision: null,
    pendingImport: null,
    input: {
      variables: c.input.variables,
      ...(c.input.placeholders && { placeholders: c.input.placeholders }),
    },
    expected: c.expected ?? null,
    tags: c.tags ?? [],
    metadata: {},
    sourceKind: "person" as const,
    sourceRef: null,
    createdAt: at,
    createdBy: "test",
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("datasetCases")
      .values(rows.slice(i, i + 500))
      .execute();
  }
  return { id, caseIds: rows.map((r) => r.caseId) };
}

/** Adds a revision that removes every case: the dataset's latest revision then has none. */
export async function emptyLatestRevision(db: Kysely<Database>, datasetId: string) {
  const dataset = await db
    .selectFrom("datasets")
    .selectAll()
    .where("id", "=", datasetId)
    .executeTakeFirstOrThrow();
  const revision = dataset.latestRevision + 1;
  await db
    .updateTable("datasetCases")
    .set({ removedRevision: revision })
    .where("datasetId", "=", datasetId)
    .where("removedRevision", "is", null)
    .execute();
  await db
    .insertInto("datasetRevisions")
    .values({
      datasetId,
      revision,
      message: "emptied",
      added: 0,
      updated: 0,
      removed: dataset.caseCount,
      caseCount: 0,
      actor: "test",
      createdAt: new Date().toISOString(),
    })
    .execute();
  await db
    .updateTable("datasets")
    .set({ latestRevision: revision, caseCount: 0 })
    .where("id", "=", datasetId)
    .execute();
}
