import type { ParsedTraceInput } from "@promptline/core";

export interface TraceWriterOptions {
  /** Stores one project's batch; resolves when committed. */
  store(projectId: string, traces: ParsedTraceInput[]): Promise<unknown>;
  /** Traces held in memory at most: beyond it the newest are dropped (and counted). */
  maxQueued?: number;
  maxBatch?: number;
  /** How long a trace may wait for others to share its write. */
  flushDelayMs?: number;
  /** Writes of one batch tried before its traces are given up (and counted as dropped). */
  maxAttempts?: number;
  onError?(error: unknown): void;
  onDrop?(count: number): void;
}

/**
 * Writes the gateway's traces off the response's critical path: calls enqueue and return at
 * once; a background flush stores them in batches. Memory is bounded; a failed write is retried
 * with backoff while the traces wait in the queue.
 */
export class TraceWriter {
  private queue: Array<{ projectId: string; trace: ParsedTraceInput }> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private retryDelayMs = 0;
  private failedAttempts = 0;
  private closed = false;
  private readonly maxQueued: number;
  private readonly maxBatch: number;
  private readonly flushDelayMs: number;

  constructor(private readonly options: TraceWriterOptions) {
    this.maxQueued = options.maxQueued ?? 50_000;
    this.maxBatch = options.maxBatch ?? 1000;
    this.flushDelayMs = options.flushDelayMs ?? 20;
  }

  get queued(): number {
    return this.queue.length;
  }

  enqueue(projectId: string, trace: ParsedTraceInput): void {
    if (this.closed || this.queue.length >= this.maxQueued) {
      this.options.onDrop?.(1);
      return;
    }
    this.queue.push({ projectId, trace });
    if (this.queue.length >= this.maxBatch) this.schedule(0);
    else this.schedule(this.flushDelayMs);
  }

  /** Stores everything queued so far (used before reading back, and on shutdown). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.writeBatch();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    try {
      await this.flush();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A flush() may have started a write since: the queue's head is that write's batch until
      // it is stored, so writing now would store it twice. Go on once that write is over.
      if (this.flushing) {
        void this.flushing.then(
          () => this.queue.length > 0 && this.schedule(0),
          () => this.queue.length > 0 && this.schedule(this.retryDelayMs),
        );
        return;
      }
      void this.writeBatch().then(
        () => {
          this.retryDelayMs = 0;
          this.failedAttempts = 0;
          if (this.queue.length > 0) this.schedule(0);
        },
        (error) => {
          this.options.onError?.(error);
          // A batch that keeps failing (the database away too long, or a trace it cannot take)
          // is given up, so the traces behind it are not held back for ever.
          if (++this.failedAttempts >= (this.options.maxAttempts ?? 8)) {
            const dropped = this.queue.splice(0, this.maxBatch).length;
            this.options.onDrop?.(dropped);
            this.failedAttempts = 0;
            this.retryDelayMs = 0;
          } else {
            this.retryDelayMs = Math.min(30_000, Math.max(100, this.retryDelayMs * 2));
          }
          if (!this.closed && this.queue.length > 0) this.schedule(this.retryDelayMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private writeBatch(): Promise<void> {
    const batch = this.queue.slice(0, this.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    const byProject = new Map<string, ParsedTraceInput[]>();
    for (const { projectId, trace } of batch) {
      const list = byProject.get(projectId) ?? [];
      list.push(trace);
      byProject.set(projectId, list);
    }
    const writing = (async () => {
      for (const [projectId, traces] of byProject) await this.options.store(projectId, traces);
      // Only what was stored leaves the queue: a failed write keeps its traces for the retry.
      this.queue.splice(0, batch.length);
    })().finally(() => {
      if (this.flushing === writing) this.flushing = undefined;
    });
    this.flushing = writing;
    return writing;
  }
}
