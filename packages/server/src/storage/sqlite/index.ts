import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../database.js";
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
    isUniqueViolation: (error) =>
      (error as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
      (error as { code?: string })?.code === "SQLITE_CONSTRAINT_PRIMARYKEY",
    publishChange: async (change) => changes.deliver(change),
    onChange: (listener, reset) => changes.subscribe(listener, reset),
    close: () => db.destroy(),
  };
}
