import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import {
  type Database,
  type NewTrace,
  SCORE_COLUMNS,
  TRACE_COLUMNS,
  type TraceScoreRow,
} from "../database.js";
import type { StorageEngine } from "../engine.js";
import { LocalChanges } from "../local-changes.js";

/**
 * The embedded engine: one better-sqlite3 connection in WAL mode. Kysely's SQLite driver hands
 * that connection to one transaction at a time, so writers are already serialised within the
 * process; one server instance owns a database file.
 */
export function createSqliteEngine(file: string): StorageEngine {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const connection = new SQLite(file);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("busy_timeout = 5000");
  connection.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  const changes = new LocalChanges();
  const insertInto = (table: string, columns: ReadonlyArray<readonly [string, string]>) =>
    `insert into ${table} (${columns.map(([c]) => c).join(", ")}) values (${columns.map(() => "?").join(", ")}) on conflict do nothing`;
  let statements: { trace: SQLite.Statement; score: SQLite.Statement } | undefined;
  // Prepared statements in a raw transaction: ingestion's hot path skips query building.
  const insertTraceRows = connection.transaction(
    (rows: readonly NewTrace[], scores: readonly TraceScoreRow[]) => {
      statements ??= {
        trace: connection.prepare(insertInto("traces", TRACE_COLUMNS)),
        score: connection.prepare(insertInto("trace_scores", SCORE_COLUMNS)),
      };
      let inserted = 0;
      for (const row of rows) {
        inserted += statements.trace.run(TRACE_COLUMNS.map(([c]) => row[c] ?? null)).changes;
      }
      for (const score of scores) statements.score.run(SCORE_COLUMNS.map(([c]) => score[c]));
      return inserted;
    },
  );
  return {
    kind: "sqlite",
    db,
    identity: (col) => col.primaryKey().autoIncrement(),
    appendOnlySql: (table) => [
      `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} rows are immutable'); END`,
      `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} rows are immutable'); END`,
    ],
    lockPrompt: async () => {},
    lockEventLog: async () => {},
    // Holding Kysely's connection keeps its own transactions from interleaving with this one.
    insertTraces: (rows, scores) =>
      db.connection().execute(async () => insertTraceRows(rows, scores)),
    isUniqueViolation: (error) =>
      (error as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
      (error as { code?: string })?.code === "SQLITE_CONSTRAINT_PRIMARYKEY",
    publishChange: async (change) => changes.deliver(change),
    onChange: (listener, reset) => changes.subscribe(listener, reset),
    close: () => db.destroy(),
  };
}
