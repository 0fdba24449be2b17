import type { TraceListQuery } from "@promptline/core";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Database, TraceRow, TraceScoreRow } from "../storage/database.js";

export type TraceFilter = Omit<TraceListQuery, "limit" | "cursor">;

type TraceQuery<O> = SelectQueryBuilder<Database, "traces", O>;

/** The WHERE clauses every trace filter means, shared by the list and the metrics. */
export function applyTraceFilter<O>(
  query: TraceQuery<O>,
  projectId: string,
  filter: TraceFilter,
): TraceQuery<O> {
  let q = query.where("traces.project_id", "=", projectId);
  if (filter.prompt !== undefined) q = q.where("prompt_name", "=", filter.prompt);
  if (filter.version !== undefined) q = q.where("prompt_version", "=", filter.version);
  if (filter.label !== undefined) q = q.where("label", "=", filter.label);
  if (filter.variant !== undefined) q = q.where("variant", "=", filter.variant);
  if (filter.model !== undefined) q = q.where("model", "=", filter.model);
  if (filter.provider !== undefined) q = q.where("provider", "=", filter.provider);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  if (filter.userId !== undefined) q = q.where("user_id", "=", filter.userId);
  if (filter.sessionId !== undefined) q = q.where("session_id", "=", filter.sessionId);
  if (filter.from !== undefined)
    q = q.where("start_time", ">=", new Date(filter.from).toISOString());
  if (filter.to !== undefined) q = q.where("start_time", "<", new Date(filter.to).toISOString());
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
        selectFrom("trace_scores")
          .select("trace_scores.id")
          .whereRef("trace_scores.project_id", "=", "traces.project_id")
          .whereRef("trace_scores.trace_id", "=", "traces.id")
          .$if(filter.scoreName !== undefined, (s) =>
            s.where("trace_scores.name", "=", filter.scoreName as string),
          )
          .$if(filter.minScore !== undefined, (s) =>
            s.where("trace_scores.value", ">=", filter.minScore as number),
          )
          .$if(filter.maxScore !== undefined, (s) =>
            s.where("trace_scores.value", "<=", filter.maxScore as number),
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
): Promise<TraceRow[]> {
  let q = applyTraceFilter(db.selectFrom("traces").selectAll(), projectId, filter);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb("start_time", "<", after.startTime),
        eb.and([eb("start_time", "=", after.startTime), eb("id", "<", after.id)]),
      ]),
    );
  }
  return q.orderBy("start_time", "desc").orderBy("id", "desc").limit(limit).execute();
}

export async function findTraceRow(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<TraceRow | undefined> {
  return db
    .selectFrom("traces")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function insertScores(db: Kysely<Database>, rows: TraceScoreRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("trace_scores").values(rows).execute();
}

export async function listScores(
  db: Kysely<Database>,
  projectId: string,
  traceId: string,
): Promise<TraceScoreRow[]> {
  return db
    .selectFrom("trace_scores")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("trace_id", "=", traceId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** What the per-version metrics are computed from: one small row per call, at most `limit`. */
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
        "prompt_version",
        "start_time",
        "status",
        "latency_ms",
        "input_tokens",
        "output_tokens",
        "cost",
      ]),
    projectId,
    filter,
  )
    .limit(limit)
    .execute();
}

/** Scores of the calls the filter selects, with the version and time of their call. */
export async function metricScoreRows(
  db: Kysely<Database>,
  projectId: string,
  filter: TraceFilter,
) {
  return applyTraceFilter(
    db
      .selectFrom("traces")
      .innerJoin("trace_scores", (join) =>
        join
          .onRef("trace_scores.project_id", "=", "traces.project_id")
          .onRef("trace_scores.trace_id", "=", "traces.id"),
      )
      .select([
        "traces.prompt_version",
        "traces.start_time",
        "trace_scores.name",
        "trace_scores.value",
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
  for (const [table, column, key] of [
    ["traces", "start_time", "traces"],
    ["trace_scores", "created_at", "scores"],
  ] as const) {
    for (;;) {
      const result =
        await sql`delete from ${sql.table(table)} where (project_id, id) in (select project_id, id from ${sql.table(table)} where ${sql.ref(column)} < ${cutoff} limit ${DELETE_CHUNK})`.execute(
          db,
        );
      const count = Number(result.numAffectedRows ?? 0);
      deleted[key] += count;
      if (count < DELETE_CHUNK) break;
    }
  }
  return deleted;
}
