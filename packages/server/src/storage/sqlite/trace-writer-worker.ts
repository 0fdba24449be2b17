import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import { type TraceBatch, traceInserter } from "./trace-insert.js";

/** What the trace writer starts its worker with. */
export interface TraceWriterWorkerData {
  file: string;
  checkpointMs: number;
}

export type TraceWriterRequest = ({ id: number } & TraceBatch) | { close: true };

export type TraceWriterReply =
  | { id: number; inserted: number }
  | { id: number; error: { message: string; code?: string } };

/**
 * The trace writer's thread: a second connection to the database that only appends traces, and
 * that checkpoints the WAL, so neither the inserts nor the checkpoint's fsync block the event loop.
 */
function serve(
  port: NonNullable<typeof parentPort>,
  { file, checkpointMs }: TraceWriterWorkerData,
) {
  const db = new SQLite(file);
  db.pragma("busy_timeout = 10000");
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -65536");
  db.pragma("wal_autocheckpoint = 0");
  const insert = traceInserter(db);
  let lastCheckpoint = Date.now();
  const checkpoint = () => {
    lastCheckpoint = Date.now();
    try {
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // A checkpoint that cannot run now (a reader holds the WAL) runs at the next turn.
    }
  };
  const timer = setInterval(checkpoint, checkpointMs);
  const reply = (message: TraceWriterReply) => port.postMessage(message);
  port.on("message", (message: TraceWriterRequest) => {
    if ("close" in message) {
      clearInterval(timer);
      checkpoint();
      db.close();
      port.close();
      return;
    }
    try {
      // IMMEDIATE takes the write lock up front, waiting (busy_timeout) for the other connection.
      reply({ id: message.id, inserted: insert.immediate(message) });
    } catch (error) {
      const { message: text, code } = error as Error & { code?: string };
      reply({ id: message.id, error: { message: text, ...(code !== undefined && { code }) } });
    }
    if (Date.now() - lastCheckpoint > checkpointMs) checkpoint();
  });
}

if (!parentPort) throw new Error("trace-writer-worker runs as the trace writer's worker thread");
serve(parentPort, workerData as TraceWriterWorkerData);
