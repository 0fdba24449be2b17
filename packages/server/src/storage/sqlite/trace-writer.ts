import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { SCORE_COLUMNS, TRACE_COLUMNS } from "../database.js";

/**
 * The worker's code, as CommonJS source: it runs from the TypeScript sources (tests) and the
 * build alike. It owns a second connection to the database that only appends traces, and it
 * checkpoints the WAL, so neither the inserts nor the checkpoint's fsync block the event loop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file);
db.pragma("busy_timeout = 10000");
db.pragma("synchronous = NORMAL");
db.pragma("cache_size = -65536");
db.pragma("wal_autocheckpoint = 0");
const sql = (table, columns) =>
  "insert into " + table + " (" + columns.join(", ") + ") values (" +
  columns.map(() => "?").join(", ") + ") on conflict do nothing";
let statements;
const insert = db.transaction((traces, scores) => {
  statements ??= {
    trace: db.prepare(sql("traces", workerData.traceColumns)),
    score: db.prepare(sql("trace_scores", workerData.scoreColumns)),
  };
  let inserted = 0;
  for (const row of traces) inserted += statements.trace.run(row).changes;
  for (const row of scores) statements.score.run(row);
  return inserted;
});
let lastCheckpoint = Date.now();
function checkpoint() {
  lastCheckpoint = Date.now();
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}
const timer = setInterval(checkpoint, workerData.checkpointMs);
parentPort.on("message", (message) => {
  if (message.close) {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.close();
    return;
  }
  try {
    // IMMEDIATE takes the write lock up front, waiting (busy_timeout) for the other connection.
    const inserted = insert.immediate(message.traces, message.scores);
    parentPort.postMessage({ id: message.id, inserted });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: error.message, code: error.code } });
  }
  if (Date.now() - lastCheckpoint > workerData.checkpointMs) checkpoint();
});
`;

type Pending = { resolve: (inserted: number) => void; reject: (error: Error) => void };

/**
 * Appends trace rows through the worker; resolves once they are committed. The worker runs from
 * the start, as it is also what checkpoints the WAL for every connection.
 */
export class SqliteTraceWriter {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    private readonly file: string,
    private readonly checkpointMs = 1000,
  ) {}

  insert(traces: unknown[][], scores: unknown[][]): Promise<number> {
    const worker = this.open();
    const id = this.nextId++;
    // Referenced while it holds work, so a process waiting only on an insert stays alive.
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, traces, scores });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await new Promise<void>((resolve) => {
      worker.once("exit", () => resolve());
      // Unreferenced, the worker would let the process end before its last checkpoint.
      worker.ref();
      worker.postMessage({ close: true });
    });
  }

  /** Starts the worker (and with it the WAL checkpoints) if it is not running. */
  open(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: this.file,
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        traceColumns: TRACE_COLUMNS.map(([c]) => c),
        scoreColumns: SCORE_COLUMNS.map(([c]) => c),
        checkpointMs: this.checkpointMs,
      },
    });
    worker.on(
      "message",
      (message: { id: number; inserted?: number; error?: { message: string; code?: string } }) => {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (message.error) {
          waiting.reject(
            Object.assign(new Error(message.error.message), { code: message.error.code }),
          );
        } else {
          waiting.resolve(message.inserted ?? 0);
        }
      },
    );
    // A crashed worker fails what it held; the next insert starts a new one.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.pending.size > 0) fail(new Error(`the trace writer stopped (exit code ${code})`));
      if (this.worker === worker) this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
