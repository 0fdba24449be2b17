import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { TraceBatch } from "./trace-insert.js";
import type {
  TraceWriterReply,
  TraceWriterRequest,
  TraceWriterWorkerData,
} from "./trace-writer-worker.js";

/**
 * A worker thread runs JavaScript, so it is always loaded from the build: beside this module when
 * the server runs built, and from the package's dist/ when this module runs from its TypeScript
 * source (vitest runs sources; the test command builds first, and `npx tsc -b packages/server`
 * refreshes the worker after a change to it or to trace-insert.ts).
 */
const WORKER = import.meta.url.endsWith(".ts")
  ? new URL("../../../dist/storage/sqlite/trace-writer-worker.js", import.meta.url)
  : new URL("./trace-writer-worker.js", import.meta.url);

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

  insert(batch: TraceBatch): Promise<number> {
    const worker = this.open();
    const id = this.nextId++;
    // Referenced while it holds work, so a process waiting only on an insert stays alive.
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post(worker, { id, ...batch });
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
      this.post(worker, { close: true });
    });
  }

  private post(worker: Worker, message: TraceWriterRequest): void {
    worker.postMessage(message);
  }

  /** Starts the worker (and with it the WAL checkpoints) if it is not running. */
  open(): Worker {
    if (this.worker) return this.worker;
    if (!existsSync(WORKER)) {
      throw new Error(`the trace writer's worker is not built: run 'npx tsc -b packages/server'`);
    }
    const workerData: TraceWriterWorkerData = { file: this.file, checkpointMs: this.checkpointMs };
    const worker = new Worker(WORKER, { workerData });
    worker.on("message", (message: TraceWriterReply) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if ("error" in message) {
        waiting.reject(
          Object.assign(new Error(message.error.message), { code: message.error.code }),
        );
      } else {
        waiting.resolve(message.inserted);
      }
    });
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
