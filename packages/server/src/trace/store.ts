import type { TraceListQuery } from "@promptline/core";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Database, TraceRow, TraceScoreRow } from "../storage/database.js";

/** What lists show of a trace: all but its input and output, which can be large. */
const SUMMARY_COLUMNS = [
  "id",
  "source",
  "startTime",
  "endTime",
  "promptName",
  "promptVersion",
  "label",
  "variant",
  "provider",
  "model",
  "inputTokens",
  "outputTokens",
  "totalTokens",
  "cost",
  "latencyMs",
  "ttftMs",
  "status",
  "origin",
  "error",
  "userId",
  "sessionId",
  "metadata",
  "ingestedAt",
] as const satisfies ReadonlyArray<keyof TraceRow>;

export type TraceSummaryRow = Pick<TraceRow, (typeof SUMMARY_COLUMNS)[number]>;

export type TraceFilter = Omit<TraceListQuery, "limit" | "cursor">;

type TraceQuery<O> = SelectQueryBuilder<Database, "traces", O>;

/** The WHERE clauses every trace filter means, shared by the list and the metrics. */
export function applyTraceFilter<O>(
  query: TraceQuery<O>,
  projectId: string,
  filter: TraceFilter,
): TraceQuery<O> {
  let q = query.where("traces.projectId", "=", projectId);
  if (filter.prompt !== undefined) q = q.where("promptName", "=", filter.prompt);
  if (filter.version !== undefined) q = q.where("promptVersion", "=", filter.version);
  if (filter.label !== undefined) q = q.where("label", "=", filter.label);
  if (filter.variant !== undefined) q = q.where("variant", "=", filter.variant);
  if (filter.model !== undefined) q = q.where("model", "=", filter.model);
  if (filter.provider !== undefined) q = q.where("provider", "=", filter.provider);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  if (filter.origin !== undefined && filter.origin !== "all") {
    q = q.where("origin", "=", filter.origin);
  }
  if (filter.userId !== undefined) q = q.where("userId", "=", filter.userId);
  if (filter.sessionId !== undefined) q = q.where("sessionId", "=", filter.sessionId);
  if (filter.from !== undefined)
    q = q.where("startTime", ">=", new Date(filter.from).toISOString());
  if (filter.to !== undefined) q = q.where("startTime", "<", new Date(filter.to).toISOString());
  if (filter.q !== undefined) {
    // Both engines lower-case ASCII alike; the pattern's own wildcards are taken literally.
    const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    q = q.where((eb) =>
      eb.or(
        ["input", "output", "error"].map(
          (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  if (
    filter.scoreName !== undefined ||
    filter.minScore !== undefined ||
    filter.maxScore !== undefined
  ) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("traceScores")
          .select("traceScores.id")
          .whereRef("traceScores.projectId", "=", "traces.projectId")
          .whereRef("traceScores.traceId", "=", "traces.id")
          .$if(filter.scoreName !== undefined, (s) =>
            s.where("traceScores.name", "=", filter.scoreName as string),
          )
          .$if(filter.minScore !== undefined, (s) =>
            s.where("traceScores.value", ">=", filter.minScore as number),
          )
          .$if(filter.maxScore !== undefined, (s) =>
            s.where("traceScores.value", "<=", filter.maxScore as number),
          ),
      ),
    );
  }
  return q;
}

/** Where the previous page ended: newest first, ties broken by id. */
export interface TraceCursor {
  startTime: string;
  id: string;
}

export async function listTraceRows(
  db: Kysely<Database>,
  projectId: string,
  filter: TraceFilter,
  limit: number,
  after: TraceCursor | undefined,
): Promise<TraceSummaryRow[]> {
  let q = applyTraceFilter(db.selectFrom("traces").select(SUMMARY_COLUMNS), projectId, filter);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb("startTime", "<", after.startTime),
        eb.and([eb("startTime", "=", after.startTime), eb("id", "<", after.id)]),
      ]),
    );
  }
  return q.orderBy("startTime", "desc").orderBy("id", "desc").limit(limit).execute();
}

export async function findTraceRow(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<TraceRow | undefined> {
  return db
    .selectFrom("traces")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function insertScores(db: Kysely<Database>, rows: TraceScoreRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("traceScores").values(rows).execute();
}

export async function listScores(
  db: Kysely<Database>,
  projectId: string,
  traceId: string,
): Promise<TraceScoreRow[]> {
  return db
    .selectFrom("traceScores")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("traceId", "=", traceId)
    .orderBy("createdAt")
    .orderBy("id")
    .execute();
}

/** What the per-version (and per-variant) metrics are computed from: one small row per call, at most `limit`. */
export async function metricRows(
  db: Kysely<Database>,
  projectId: string,
  filter: TraceFilter,
  limit: number,
) {
  return applyTraceFilter(
    db
      .selectFrom("traces")
      .select([
        "promptVersion",
        "variant",
        "startTime",
        "status",
        "latencyMs",
        "inputTokens",
        "outputTokens",
        "cost",
      ]),
    projectId,
    filter,
  )
    .limit(limit)
    .execute();
}

/** Scores of the calls the filter selects, with the version, variant and time of their call. */
export async function metricScoreRows(
  db: Kysely<Database>,
  projectId: string,
  filter: TraceFilter,
) {
  return applyTraceFilter(
    db
      .selectFrom("traces")
      .innerJoin("traceScores", (join) =>
        join
          .onRef("traceScores.projectId", "=", "traces.projectId")
          .onRef("traceScores.traceId", "=", "traces.id"),
      )
      .select([
        "traces.promptVersion",
        "traces.variant",
        "traces.startTime",
        "traceScores.name",
        "traceScores.value",
      ]),
    projectId,
    filter,
  ).execute();
}

const DELETE_CHUNK = 5000;

/**
 * Deletes traces that started, and scores given, before the cutoff, a chunk per statement: the
 * other writers (ingestion above all) get their turn between chunks.
 */
export async function deleteTracesBefore(
  db: Kysely<Database>,
  cutoff: string,
): Promise<{ traces: number; scores: number }> {
  const deleted = { traces: 0, scores: 0 };
  const key = sql`${sql.ref("projectId")}, ${sql.ref("id")}`;
  for (const [table, column, kind] of [
    ["traces", "startTime", "traces"],
    ["traceScores", "createdAt", "scores"],
  ] as const) {
    for (;;) {
      const result =
        await sql`delete from ${sql.table(table)} where (${key}) in (select ${key} from ${sql.table(table)} where ${sql.ref(column)} < ${cutoff} limit ${DELETE_CHUNK})`.execute(
          db,
        );
      const count = Number(result.numAffectedRows ?? 0);
      deleted[kind] += count;
      if (count < DELETE_CHUNK) break;
    }
  }
  return deleted;
}
