import {
  type ApiError,
  backoff,
  sleep,
  Transport,
  type TransportOptions,
} from "@promptline/client";
import type { TraceInput } from "@promptline/core";
import { type RejectedTrace, TraceDeliveryError, type TraceProblem } from "./trace-errors.js";
import { MAX_BATCH_CHARS, TraceQueue } from "./trace-queue.js";
import { TraceSender } from "./trace-sender.js";

/** How traces are buffered and sent; TraceOptions adds the clock and ids. */
export interface DeliveryOptions {
  /** Send as soon as this many traces wait. Default 100. */
  flushAt?: number;
  /** Send whatever waits this often. Default 1 s. */
  flushIntervalMs?: number;
  /** Traces per request, at most 5,000. Default 1,000. */
  batchSize?: number;
  /** Traces kept in memory; beyond it the oldest waiting one is dropped. Default 10,000. */
  maxBuffered?: number;
  /** Per-request timeout of a batch. Default 10 s. */
  timeoutMs?: number;
  /** Hears every TraceDeliveryError; nothing is ever thrown at the app. Default: the client's. */
  onError?: (error: unknown) => void;
}

export interface TraceStatus {
  /** Waiting to be sent or on the wire. */
  buffered: number;
  /** Acknowledged by the server: committed. */
  sent: number;
  /** Refused for what they hold (not retried). */
  rejected: number;
  /** Thrown away unsent (buffer full, closed, key refused). */
  dropped: number;
  /** Whether the last attempt failed and a retry is pending. */
  retrying: boolean;
  /** The last problem told to onError, or null. */
  lastError: TraceDeliveryError | null;
}

interface Waiter {
  /** Settled once every trace up to this sequence number is. */
  through: number;
  failuresLeft: number;
  resolve: () => void;
}

const MAX_BATCH = 5_000;

function wholeNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  max = Infinity,
): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new RangeError(`traces.${name} must be a whole number from 1 to ${max}, not ${n}`);
  }
  return n;
}

/**
 * The one loop that sends a TraceReporter's buffer: when batches are due, retries with backoff,
 * flush() waiters, close() and a refused key, and the counts status() reports.
 */
export class TraceDelivery {
  private readonly flushAt: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  /** Attempts a flush() waits for while the server cannot be reached. */
  private readonly flushAttempts: number;
  private readonly queue: TraceQueue;
  private readonly sender: TraceSender;
  private readonly timer: ReturnType<typeof setInterval>;
  /** Everything up to this sequence number is due to be sent now. */
  private dueThrough = 0;
  private delivering: Promise<void> | undefined;
  private retryNow = new AbortController();
  private waiters: Waiter[] = [];
  private failures = 0;
  private state: "open" | "refused" | "closed" = "open";
  private closing: Promise<void> | undefined;
  private unreportedDrops = 0;
  private readonly counts = { sent: 0, rejected: 0, dropped: 0 };
  private lastError: TraceDeliveryError | null = null;

  constructor(
    connection: TransportOptions,
    private readonly options: DeliveryOptions,
  ) {
    this.maxBuffered = wholeNumber("maxBuffered", options.maxBuffered, 10_000);
    this.batchSize = wholeNumber("batchSize", options.batchSize, 1_000, MAX_BATCH);
    this.flushAt = Math.min(wholeNumber("flushAt", options.flushAt, 100), this.maxBuffered);
    const interval = wholeNumber("flushIntervalMs", options.flushIntervalMs, 1_000);
    this.flushAttempts = (connection.retries ?? 0) + 1;
    this.queue = new TraceQueue(this.maxBuffered);
    // This loop retries on its own schedule: one attempt per batch here.
    this.sender = new TraceSender(
      new Transport({ ...connection, retries: 0, timeoutMs: options.timeoutMs ?? 10_000 }),
    );
    this.timer = setInterval(() => this.tick(), interval);
    this.timer.unref?.();
  }

  /** Whether a trace may be buffered; when not (closed, or the key refused), it counts as dropped. */
  admit(): boolean {
    if (this.state === "open") return true;
    this.counts.dropped++;
    if (this.state === "closed") {
      this.reportLater("dropped", "a trace recorded after close() is not sent", 1);
    }
    return false;
  }

  /** Buffers a serialised trace; one larger than a batch may hold is rejected instead. */
  enqueue(id: string, json: string, trace: TraceInput): void {
    if (json.length > MAX_BATCH_CHARS - 20) {
      this.rejectLocally({ id, reasons: ["larger than a batch may be (16 MiB)"], trace });
      return;
    }
    const dropped = this.queue.push(id, json);
    this.counts.dropped += dropped;
    this.unreportedDrops += dropped;
    if (this.queue.waiting >= this.flushAt) {
      this.dueThrough = this.queue.lastSeq;
      this.startDelivery();
    }
  }

  flush(): Promise<void> {
    if (this.queue.buffered === 0 || this.state !== "open") return Promise.resolve();
    const through = this.queue.lastSeq;
    this.dueThrough = through;
    const settled = new Promise<void>((resolve) => {
      this.waiters.push({ through, failuresLeft: this.flushAttempts, resolve });
    });
    this.retryNow.abort();
    this.startDelivery();
    return settled;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  status(): TraceStatus {
    return {
      buffered: this.queue.buffered,
      ...this.counts,
      retrying: this.failures > 0,
      lastError: this.lastError,
    };
  }

  isBuffered(id: string): boolean {
    return this.queue.has(id);
  }

  /** Counts and reports a trace refused before it was sent. */
  rejectLocally(rejection: RejectedTrace): void {
    this.counts.rejected++;
    this.reportLater(
      "rejected",
      `trace ${rejection.id} was not sent: ${rejection.reasons.join("; ")}`,
      1,
      [rejection],
    );
  }

  /** Reports after the caller's code returns, so onError never runs inside record() or end(). */
  reportLater(
    kind: TraceProblem,
    message: string,
    traces: number,
    rejections: RejectedTrace[] = [],
  ): void {
    const error = new TraceDeliveryError(kind, message, traces, rejections);
    queueMicrotask(() => this.report(error));
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.state === "open") this.state = "closed";
    this.retryNow.abort();
    await this.delivering;
    const left = this.queue.discardWaiting();
    this.counts.dropped += left;
    this.reportDrops();
    if (left > 0) {
      this.report(
        new TraceDeliveryError(
          "dropped",
          `${left} traces could not be delivered before close()`,
          left,
          [],
          this.lastError ? { cause: this.lastError } : undefined,
        ),
      );
    }
  }

  private tick(): void {
    this.reportDrops();
    if (this.queue.waiting > 0) {
      this.dueThrough = this.queue.lastSeq;
      this.startDelivery();
    }
  }

  private startDelivery(): void {
    this.delivering ??= this.deliver();
  }

  /** Sends due batches one at a time until none is due; the only loop that touches the wire. */
  private async deliver(): Promise<void> {
    try {
      // Leave record() before doing any work.
      await Promise.resolve();
      while (this.state === "open" && this.queue.nextSeq <= this.dueThrough) {
        const batch = this.queue.take(this.batchSize);
        this.retryNow = new AbortController();
        const outcome = await this.sender.send(batch);
        if (outcome.kind === "refused") this.refuse(outcome.error, batch.length);
        else if (outcome.kind === "retry") this.report(outcome.problem);
        else {
          this.counts.sent += outcome.sent;
          this.counts.rejected += outcome.rejected;
          if (outcome.problem) this.report(outcome.problem);
        }
        if (outcome.kind === "retry") {
          this.queue.putBack();
          this.failures++;
          for (const waiter of this.waiters) waiter.failuresLeft--;
        } else {
          this.queue.settle();
          this.failures = 0;
        }
        this.settleWaiters();
        if (outcome.kind === "retry" && this.state === "open") {
          // Short waits while someone awaits flush(); a flush() during a long wait cuts it short.
          const delay =
            this.waiters.length > 0
              ? backoff(this.failures, 100, 2_000)
              : backoff(this.failures, 1_000, 30_000);
          await sleep(delay, this.retryNow.signal);
        }
      }
    } finally {
      this.delivering = undefined;
      this.settleWaiters();
    }
  }

  /** The key is refused: nothing will ever be accepted, so everything buffered goes. */
  private refuse(error: ApiError, onWire: number): void {
    this.state = "refused";
    clearInterval(this.timer);
    const lost = onWire + this.queue.discardWaiting();
    this.counts.dropped += lost;
    this.report(
      new TraceDeliveryError(
        "refused",
        `the server refused the API key (${error.status}: ${error.message}); ${lost} traces dropped and no more are sent`,
        lost,
        [],
        { cause: error },
      ),
    );
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const oldest = this.queue.oldestSeq;
    this.waiters = this.waiters.filter((waiter) => {
      const done = waiter.through < oldest || waiter.failuresLeft <= 0;
      if (done) waiter.resolve();
      return !done;
    });
  }

  private reportDrops(): void {
    const dropped = this.unreportedDrops;
    if (dropped === 0) return;
    this.unreportedDrops = 0;
    this.report(
      new TraceDeliveryError(
        "dropped",
        `${dropped} traces dropped: more than maxBuffered (${this.maxBuffered}) were waiting`,
        dropped,
      ),
    );
  }

  private report(error: TraceDeliveryError): void {
    this.lastError = error;
    try {
      this.options.onError?.(error);
    } catch {
      // A failing error handler must not break delivery.
    }
  }
}
