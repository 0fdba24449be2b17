import type SQLite from "better-sqlite3";
import type { StoredTraceBatch } from "../trace-batch.js";
import { type BulkTable, SCORES, TRACES } from "../trace-columns.js";

const insertSql = ({ table, columns }: BulkTable) =>
  `insert into ${table} (${columns.map((c) => c.name).join(", ")}) values (${columns.map(() => "?").join(", ")}) on conflict do nothing`;

/** The rows of a stored batch, as they cross to the worker thread. */
export type TraceBatch = Pick<StoredTraceBatch, "traces" | "scores">;

export type TraceInserter = SQLite.Transaction<(batch: TraceBatch) => number>;

/**
 * The one statement pair that appends traces and scores on SQLite, in one transaction, skipping
 * ids already stored; the transaction returns how many traces were new. The trace writer's worker
 * runs it on its own connection; an in-memory database runs it on the event loop.
 */
export function traceInserter(db: SQLite.Database): TraceInserter {
  // Prepared on first use: the engine opens before migrations have created the tables.
  let statements: { trace: SQLite.Statement; score: SQLite.Statement } | undefined;
  return db.transaction(({ traces, scores }: TraceBatch) => {
    statements ??= { trace: db.prepare(insertSql(TRACES)), score: db.prepare(insertSql(SCORES)) };
    let inserted = 0;
    for (const row of traces) inserted += statements.trace.run(row).changes;
    for (const row of scores) statements.score.run(row);
    return inserted;
  });
}
