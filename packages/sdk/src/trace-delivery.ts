import type { IngestResult, TraceInput } from "@promptline/core";
import { PromptlineApiError } from "./errors.js";
import { backoff, type HttpOptions, isRetryable, request, sleep } from "./http.js";

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

/** A trace refused for what it holds; sending it again would not help. */
export interface RejectedTrace {
  id: string;
  reasons: string[];
  /** The trace as sent (absent when it could not be serialised). */
  trace?: TraceInput;
}

/**
 * `unreachable`: a batch failed (network, 429, 5xx) and stays buffered for a retry.
 * `rejected`: traces refused for what they hold, listed in `rejections` (or the whole batch, when
 * the server refused the request itself); not retried.
 * `dropped`: traces thrown away unsent: the buffer was full, or the reporter closed or refused.
 * `refused`: the server refused the API key (401/403); nothing more is sent.
 */
export type TraceProblem = "unreachable" | "rejected" | "dropped" | "refused";

/** A problem delivering traces, told to `onError`; `traces` is how many it concerns. */
export class TraceDeliveryError extends Error {
  override name = "TraceDeliveryError";
  constructor(
    readonly kind: TraceProblem,
    message: string,
    readonly traces: number,
    readonly rejections: RejectedTrace[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
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

interface Buffered {
  id: string;
  json: string;
  seq: number;
}

interface Waiter {
  /** Settled once every trace up to this sequence number is. */
  through: number;
  failuresLeft: number;
  resolve: () => void;
}

const MAX_BATCH = 5_000;
/** UTF-16 units a batch may hold: at 3 bytes each at most, under the server's 16 MiB limit. */
const MAX_BATCH_CHARS = 5_000_000;
const MAX_ERROR_CHARS = 10_000;
export const INGEST_PATH = "/api/v1/traces";
export const JSON_HEADERS = { "content-type": "application/json" };

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

/** An error as text, cut to what the server keeps of a trace's error. */
export function messageOf(error: unknown): string {
  const text =
    error instanceof Error
      ? error.name === "Error"
        ? error.message
        : `${error.name}: ${error.message}`
      : typeof error === "string"
        ? error
        : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}

/**
 * The buffer behind a TraceReporter and the one loop that sends it: batches, retries with
 * backoff, flush() waiters, close() and a refused key, and the counts status() reports.
 */
export class TraceDelivery {
  private readonly flushAt: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly send: HttpOptions;
  private readonly timer: ReturnType<typeof setInterval>;
  /** Waiting traces are queue[head…]; the head moves instead of shifting the array. */
  private queue: Buffered[] = [];
  private head = 0;
  private inflight: Buffered[] = [];
  private seq = 0;
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
    private readonly http: HttpOptions,
    private readonly options: DeliveryOptions,
  ) {
    this.maxBuffered = wholeNumber("maxBuffered", options.maxBuffered, 10_000);
    this.batchSize = wholeNumber("batchSize", options.batchSize, 1_000, MAX_BATCH);
    this.flushAt = Math.min(wholeNumber("flushAt", options.flushAt, 100), this.maxBuffered);
    const interval = wholeNumber("flushIntervalMs", options.flushIntervalMs, 1_000);
    this.send = { ...http, retries: 0, timeoutMs: options.timeoutMs ?? 10_000 };
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
    if (this.buffered >= this.maxBuffered) {
      // The oldest waiting trace makes room; with nothing waiting (all on the wire), this one.
      this.counts.dropped++;
      this.unreportedDrops++;
      if (this.waiting === 0) return;
      this.head++;
      this.compact();
    }
    this.queue.push({ id, json, seq: ++this.seq });
    if (this.waiting >= this.flushAt) {
      this.dueThrough = this.seq;
      this.startDelivery();
    }
  }

  flush(): Promise<void> {
    if (this.buffered === 0 || this.state !== "open") return Promise.resolve();
    this.dueThrough = this.seq;
    const settled = new Promise<void>((resolve) => {
      this.waiters.push({ through: this.seq, failuresLeft: this.http.retries + 1, resolve });
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
      buffered: this.buffered,
      ...this.counts,
      retrying: this.failures > 0,
      lastError: this.lastError,
    };
  }

  isBuffered(id: string): boolean {
    if (this.inflight.some((t) => t.id === id)) return true;
    for (let i = this.head; i < this.queue.length; i++) {
      if ((this.queue[i] as Buffered).id === id) return true;
    }
    return false;
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

  private get waiting(): number {
    return this.queue.length - this.head;
  }

  private get buffered(): number {
    return this.waiting + this.inflight.length;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.state === "open") this.state = "closed";
    this.retryNow.abort();
    await this.delivering;
    const left = this.discardWaiting();
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
    if (this.waiting > 0) {
      this.dueThrough = this.seq;
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
      while (this.state === "open" && this.waiting > 0 && this.nextSeq() <= this.dueThrough) {
        const batch = this.takeBatch(this.batchSize);
        this.inflight = batch;
        this.retryNow = new AbortController();
        const delivered = await this.sendBatch(batch);
        this.inflight = [];
        if (delivered) {
          this.failures = 0;
        } else {
          this.putBack(batch);
          this.failures++;
          for (const waiter of this.waiters) waiter.failuresLeft--;
        }
        this.settleWaiters();
        if (!delivered && this.state === "open") {
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

  /** Whether the batch is done with (stored, rejected or dropped); false: keep it for a retry. */
  private async sendBatch(batch: Buffered[]): Promise<boolean> {
    let result: IngestResult;
    try {
      const response = await request(this.send, INGEST_PATH, {
        method: "POST",
        headers: JSON_HEADERS,
        body: `{"traces":[${batch.map((t) => t.json).join(",")}]}`,
      });
      result = (await response.json()) as IngestResult;
    } catch (error) {
      if (!(error instanceof PromptlineApiError) || isRetryable(error.status)) {
        this.report(
          new TraceDeliveryError(
            "unreachable",
            `could not deliver ${batch.length} traces (${messageOf(error)}); they stay buffered and are retried`,
            batch.length,
            [],
            { cause: error },
          ),
        );
        return false;
      }
      if (error.status === 401 || error.status === 403) this.refuse(error, batch.length);
      else {
        this.counts.rejected += batch.length;
        this.report(
          new TraceDeliveryError(
            "rejected",
            `the server refused a batch of ${batch.length} traces (${error.status}: ${error.message})`,
            batch.length,
            [],
            { cause: error },
          ),
        );
      }
      return true;
    }
    this.counts.sent += result.accepted;
    if (result.rejected.length > 0) {
      const rejections = result.rejected.map(({ index, id, reasons }): RejectedTrace => {
        const sent = batch[index];
        return {
          id: sent?.id ?? id ?? "",
          reasons,
          ...(sent && { trace: JSON.parse(sent.json) as TraceInput }),
        };
      });
      this.counts.rejected += rejections.length;
      this.report(
        new TraceDeliveryError(
          "rejected",
          `the server rejected ${rejections.length} of ${batch.length} traces: ${rejections[0]?.reasons.join("; ")}`,
          rejections.length,
          rejections,
        ),
      );
    }
    return true;
  }

  /** The key is refused: nothing will ever be accepted, so everything buffered goes. */
  private refuse(error: PromptlineApiError, onWire: number): void {
    this.state = "refused";
    clearInterval(this.timer);
    const lost = onWire + this.discardWaiting();
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

  private nextSeq(): number {
    return (this.queue[this.head] as Buffered).seq;
  }

  private takeBatch(max: number): Buffered[] {
    const batch: Buffered[] = [];
    let chars = 0;
    while (batch.length < max && this.head < this.queue.length) {
      const next = this.queue[this.head] as Buffered;
      if (batch.length > 0 && chars + next.json.length > MAX_BATCH_CHARS) break;
      chars += next.json.length + 1;
      batch.push(next);
      this.head++;
    }
    this.compact();
    return batch;
  }

  /** Empties the waiting queue; returns how many traces were in it. */
  private discardWaiting(): number {
    const discarded = this.waiting;
    this.queue = [];
    this.head = 0;
    return discarded;
  }

  /** Lets go of traces before the head once they are most of the array (amortised O(1)). */
  private compact(): void {
    if (this.head > 1_024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Returns a failed batch to the front: it is still the oldest, so the first to go if the buffer
   * fills. It always fits: records made room for it while it was on the wire.
   */
  private putBack(batch: Buffered[]): void {
    this.queue = [...batch, ...this.queue.slice(this.head)];
    this.head = 0;
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const oldest = this.inflight[0]?.seq ?? this.queue[this.head]?.seq ?? Infinity;
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
