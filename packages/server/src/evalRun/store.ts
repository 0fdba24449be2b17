/**
 * Evaluation runs and their results in storage. A result row is written once per item
 * (variant × case) when it is done, together with the run's counters, so a run that stops
 * anywhere resumes with exactly the items that have no row.
 */
import type { EvalRunStatus, EvalScore, RunSummary } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database, EvalResultRow, EvalRunRow } from "../storage/database.js";

/** Statuses a worker may pick up (after the lease of whoever had it expired). */
const WORKABLE: EvalRunStatus[] = ["queued", "running"];

export async function insertRun(db: Kysely<Database>, row: EvalRunRow): Promise<void> {
  await db.insertInto("evalRuns").values(row).execute();
}

export async function findRun(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<EvalRunRow | undefined> {
  return db
    .selectFrom("evalRuns")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** A run's counters alone: what its progress stream reads, twice a second. */
export async function findRunProgress(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<Pick<EvalRunRow, "status" | "totalItems" | "doneItems" | "erroredItems"> | undefined> {
  return db
    .selectFrom("evalRuns")
    .select(["status", "totalItems", "doneItems", "erroredItems"])
    .where("projectId", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function findRunById(
  db: Kysely<Database>,
  id: string,
): Promise<EvalRunRow | undefined> {
  return db.selectFrom("evalRuns").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface RunFilter {
  promptName?: string | undefined;
  status?: EvalRunStatus | undefined;
  /** Run ids are time-ordered: a page continues with the ids below this one. */
  before?: string | undefined;
  limit: number;
}

/** A project's runs, newest first. */
export async function listRuns(
  db: Kysely<Database>,
  projectId: string,
  filter: RunFilter,
): Promise<EvalRunRow[]> {
  let query = db.selectFrom("evalRuns").selectAll().where("projectId", "=", projectId);
  if (filter.promptName) query = query.where("promptName", "=", filter.promptName);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.before) query = query.where("id", "<", filter.before);
  return query.orderBy("id", "desc").limit(filter.limit).execute();
}

/**
 * A prompt's latest completed runs, newest finished first, at most `limit`: which of them
 * evaluated a given version is read from their variants (JSON) by the caller.
 */
export async function latestCompletedRuns(
  db: Kysely<Database>,
  projectId: string,
  promptName: string,
  limit: number,
): Promise<EvalRunRow[]> {
  return db
    .selectFrom("evalRuns")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("promptName", "=", promptName)
    .where("status", "=", "completed")
    .where("finishedAt", "is not", null)
    .orderBy("finishedAt", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The newest completed run on a dataset, of any prompt: whose scorers a recommendation uses. */
export async function latestRunOnDataset(
  db: Kysely<Database>,
  projectId: string,
  datasetId: string,
): Promise<EvalRunRow | undefined> {
  return db
    .selectFrom("evalRuns")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("datasetId", "=", datasetId)
    .where("status", "=", "completed")
    .orderBy("finishedAt", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/** Runs waiting for a worker: queued, or running under a lease that has expired. */
export async function claimableRunIds(
  db: Kysely<Database>,
  now: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("evalRuns")
    .select("id")
    .where("status", "in", WORKABLE)
    .where((eb) => eb.or([eb("leaseExpiresAt", "is", null), eb("leaseExpiresAt", "<", now)]))
    .orderBy("createdAt")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Takes a run for `owner` if it is still free; only one of several instances gets it. */
export async function claimRun(
  db: Kysely<Database>,
  id: string,
  lease: { owner: string; now: string; expiresAt: string },
): Promise<boolean> {
  const result = await db
    .updateTable("evalRuns")
    .set((eb) => ({
      status: "running",
      leaseOwner: lease.owner,
      leaseExpiresAt: lease.expiresAt,
      startedAt: eb.fn.coalesce("startedAt", eb.val(lease.now)),
    }))
    .where("id", "=", id)
    .where("status", "in", WORKABLE)
    .where((eb) => eb.or([eb("leaseExpiresAt", "is", null), eb("leaseExpiresAt", "<", lease.now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Extends the lease; false when the run was cancelled or another instance took it over. */
export async function renewLease(
  db: Kysely<Database>,
  id: string,
  owner: string,
  expiresAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable("evalRuns")
    .set({ leaseExpiresAt: expiresAt })
    .where("id", "=", id)
    .where("leaseOwner", "=", owner)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets go of a run so another worker can pick it up at once (a clean shutdown). */
export async function releaseLease(db: Kysely<Database>, id: string, owner: string) {
  await db
    .updateTable("evalRuns")
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where("id", "=", id)
    .where("leaseOwner", "=", owner)
    .execute();
}

/**
 * Moves a run to `to` when it is in one of `from` (and, with `owner`, still held by it);
 * false when it was not. Finishing clears the lease.
 */
export async function moveRun(
  db: Kysely<Database>,
  id: string,
  from: readonly EvalRunStatus[],
  to: {
    status: EvalRunStatus;
    summary?: RunSummary | null;
    error?: string | null;
    finishedAt?: string | null;
  },
  owner?: string,
): Promise<boolean> {
  let query = db
    .updateTable("evalRuns")
    .set({ ...to, leaseOwner: null, leaseExpiresAt: null })
    .where("id", "=", id)
    .where("status", "in", [...from]);
  if (owner !== undefined) query = query.where("leaseOwner", "=", owner);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function storeSummary(db: Kysely<Database>, id: string, summary: RunSummary) {
  await db.updateTable("evalRuns").set({ summary }).where("id", "=", id).execute();
}

/**
 * Stores finished items' results and counts them, in the caller's transaction. An item that
 * already has a result (another worker got there first) is neither stored again nor counted.
 */
export async function insertResults(
  db: Kysely<Database>,
  rows: readonly EvalResultRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto("evalResults")
    .values([...rows])
    .onConflict((oc) => oc.columns(["runId", "variant", "caseRowId"]).doNothing())
    .returning(["runId", "error"])
    .execute();
  const byRun = new Map<string, { done: number; errored: number }>();
  for (const row of inserted) {
    const counts = byRun.get(row.runId) ?? { done: 0, errored: 0 };
    counts.done++;
    if (row.error !== null) counts.errored++;
    byRun.set(row.runId, counts);
  }
  for (const [runId, counts] of byRun) {
    await db
      .updateTable("evalRuns")
      .set((eb) => ({
        doneItems: eb("doneItems", "+", counts.done),
        erroredItems: eb("erroredItems", "+", counts.errored),
      }))
      .where("id", "=", runId)
      .execute();
  }
  return inserted.length;
}

/** How many cases a dataset revision holds (the rows open at it). */
export async function countCasesAt(
  db: Kysely<Database>,
  datasetId: string,
  revision: number,
): Promise<number> {
  const row = await db
    .selectFrom("datasetCases")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("datasetId", "=", datasetId)
    .where("firstRevision", "<=", revision)
    .where((eb) => eb.or([eb("removedRevision", "is", null), eb("removedRevision", ">", revision)]))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Which of these cases' items are done: `variant:caseRowId` keys. */
export async function doneItems(
  db: Kysely<Database>,
  runId: string,
  caseRowIds: readonly string[],
): Promise<Set<string>> {
  if (caseRowIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("evalResults")
    .select(["variant", "caseRowId"])
    .where("runId", "=", runId)
    .where("caseRowId", "in", [...caseRowIds])
    .execute();
  return new Set(rows.map((r) => `${r.variant}:${r.caseRowId}`));
}

/** What the summary needs of every result (not the outputs), a page at a time. */
export async function summaryRows(
  db: Kysely<Database>,
  runId: string,
  page: { after?: { variant: number; caseRowId: string } | undefined; limit: number },
) {
  let query = db
    .selectFrom("evalResults")
    .select(["variant", "caseRowId", "caseId", "scores", "latencyMs", "cost", "error"])
    .where("runId", "=", runId);
  const { after } = page;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb("variant", ">", after.variant),
        eb.and([eb("variant", "=", after.variant), eb("caseRowId", ">", after.caseRowId)]),
      ]),
    );
  }
  return query.orderBy("variant").orderBy("caseRowId").limit(page.limit).execute();
}

/** Every result of these cases (by case id), outputs included. */
export async function resultsOfCases(
  db: Kysely<Database>,
  runId: string,
  caseIds: readonly string[],
): Promise<EvalResultRow[]> {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom("evalResults")
    .selectAll()
    .where("runId", "=", runId)
    .where("caseId", "in", [...caseIds])
    .execute();
}

export async function updateResultScores(
  db: Kysely<Database>,
  key: { runId: string; variant: number; caseRowId: string },
  scores: EvalScore[],
): Promise<void> {
  await db
    .updateTable("evalResults")
    .set({ scores })
    .where("runId", "=", key.runId)
    .where("variant", "=", key.variant)
    .where("caseRowId", "=", key.caseRowId)
    .execute();
}
