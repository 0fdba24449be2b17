import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import type { Database } from "../database.js";
import type { StorageEngine } from "../engine.js";
import { LocalChanges } from "../local-changes.js";
import { rowShape } from "../row-shape.js";
import { traceInserter } from "./trace-insert.js";
import { SqliteTraceWriter } from "./trace-writer.js";

/**
 * Transactions take the write lock when they begin: with the trace writer's connection also
 * writing, a transaction that read first and wrote later could otherwise fail outright
 * (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

/**
 * Keeps the database readable by this user only, as the server secret is: it holds key hashes,
 * prompts and traces. SQLite creates `-wal` and `-shm` with the database file's own mode, so a
 * 0600 database file keeps every later WAL and shared-memory file 0600 too, from either
 * connection and after any checkpoint. Files an older version left looser are tightened.
 */
function keepDatabaseFilesPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

/**
 * The embedded engine: better-sqlite3 in WAL mode. Kysely's connection serialises the registry's
 * transactions within the process; traces are appended through a second connection in a worker
 * thread (which also checkpoints the WAL), so ingestion runs beside the event loop, not on it.
 * One server instance owns a database file.
 */
export function createSqliteEngine(file: string): StorageEngine {
  const onDisk = file !== ":memory:";
  if (onDisk) keepDatabaseFilesPrivate(file);
  const connection = new SQLite(file);
  // Larger pages hold more of a trace's JSON per page (new databases only; it is fixed after).
  connection.pragma("page_size = 16384");
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("busy_timeout = 10000");
  connection.pragma("foreign_keys = ON");
  connection.pragma("cache_size = -65536");
  // The trace writer checkpoints in its thread; the event loop never waits on one.
  if (onDisk) connection.pragma("wal_autocheckpoint = 0");
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: connection }),
    plugins: [rowShape],
  });
  const changes = new LocalChanges();
  const traceWriter = onDisk ? new SqliteTraceWriter(file) : undefined;
  traceWriter?.open();
  // In memory there is no second connection: the same statements run on the event loop.
  const insertInPlace = traceInserter(connection);
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
    insertTraces: ({ traces, scores }) =>
      traceWriter
        ? traceWriter.insert({ traces, scores })
        : db.connection().execute(async () => insertInPlace({ traces, scores })),
    isUniqueViolation: (error) =>
      (error as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
      (error as { code?: string })?.code === "SQLITE_CONSTRAINT_PRIMARYKEY",
    publishChange: async (change) => changes.deliver(change),
    onChange: (listener, reset) => changes.subscribe(listener, reset),
    close: async () => {
      await traceWriter?.close();
      await db.destroy();
    },
  };
}
