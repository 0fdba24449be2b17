import type { TraceScoreTable, TraceTable } from "./database.js";
import { sqlName } from "./naming.js";

/** The traces table's columns in insert order, with their SQL types (for bulk inserts). */
export const TRACE_COLUMNS = [
  ["projectId", "text"],
  ["id", "text"],
  ["source", "text"],
  ["startTime", "text"],
  ["endTime", "text"],
  ["promptName", "text"],
  ["promptVersion", "integer"],
  ["label", "text"],
  ["variant", "text"],
  ["provider", "text"],
  ["model", "text"],
  ["input", "text"],
  ["output", "text"],
  ["inputTokens", "integer"],
  ["outputTokens", "integer"],
  ["totalTokens", "integer"],
  ["cost", "double precision"],
  ["latencyMs", "double precision"],
  ["ttftMs", "double precision"],
  ["status", "text"],
  ["origin", "text"],
  ["error", "text"],
  ["userId", "text"],
  ["sessionId", "text"],
  ["metadata", "text"],
  ["ingestedAt", "text"],
] as const satisfies ReadonlyArray<readonly [keyof TraceTable, string]>;

/** The trace_scores table's columns in insert order, with their SQL types. */
export const SCORE_COLUMNS = [
  ["id", "text"],
  ["projectId", "text"],
  ["traceId", "text"],
  ["name", "text"],
  ["value", "double precision"],
  ["comment", "text"],
  ["source", "text"],
  ["actor", "text"],
  ["createdAt", "text"],
] as const satisfies ReadonlyArray<readonly [keyof TraceScoreTable, string]>;

/** A table of a bulk insert as SQL names it: its name and its columns' names and types. */
export interface BulkTable {
  table: string;
  columns: ReadonlyArray<{ name: string; type: string }>;
}

const bulkTable = (
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
): BulkTable => ({
  table: sqlName(table),
  columns: columns.map(([name, type]) => ({ name: sqlName(name), type })),
});

export const TRACES: BulkTable = bulkTable("traces", TRACE_COLUMNS);
export const SCORES: BulkTable = bulkTable("traceScores", SCORE_COLUMNS);
