/**
 * What keeps evaluation runs from flooding providers: a cap on calls in flight across all runs
 * of this instance, and a request rate per provider connection. Waiting never spins: each waiter
 * sleeps on one unref'd timer, or in a queue, and a cancelled run stops waiting at once.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** At most `permits` holders at a time; the rest wait in order. */
export class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(permits: number) {
    this.free = permits;
  }

  /** Resolves with a release function once a permit is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    const release = this.releaser();
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", abort);
        resolve(release);
      };
      const abort = () => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", abort, { once: true });
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before idle (full) ones are forgotten. */
const MAX_BUCKETS = 10_000;

/**
 * Token buckets per key (project and connection): a call takes a token, refilled at the rate the
 * caller allows, with a burst of one second's worth. A caller short of a token reserves the next
 * one and sleeps until it is due, so waiters are served in order without polling.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<unknown> = (ms, signal) =>
      sleep(ms, undefined, { signal, ref: false }),
  ) {}

  async take(key: string, perMinute: number, signal?: AbortSignal): Promise<void> {
    const perMs = perMinute / 60_000;
    const capacity = Math.max(1, perMinute / 60);
    const now = this.now();
    if (this.buckets.size >= MAX_BUCKETS) this.forgetIdle(now, perMs, capacity);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs) - 1;
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 0) return;
    await this.wait(Math.ceil(-bucket.tokens / perMs), signal);
  }

  private forgetIdle(now: number, perMs: number, capacity: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= capacity) this.buckets.delete(key);
    }
  }
}

/**
 * Group commit: items are written in batches, the first of a batch waiting at most `lingerMs`
 * for others to share its transaction (a write per item costs more than the item itself). Each
 * `add` resolves once its item is stored; `drain` writes what is waiting at once.
 */
export class GroupWriter<T> {
  private pending: Array<{ item: T; settle: (error?: unknown) => void }> = [];
  private writing = false;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idle: Array<() => void> = [];

  constructor(
    private readonly write: (items: T[]) => Promise<unknown>,
    private readonly options: { maxBatch?: number; lingerMs?: number } = {},
  ) {}

  /** Items added and not yet stored (or failed). */
  get backlog(): number {
    return this.pending.length + this.inFlight;
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        item,
        settle: (error) => (error === undefined ? resolve() : reject(error)),
      });
      this.schedule();
    });
  }

  /** Writes what is waiting now; resolves once everything added so far is stored (or failed). */
  drain(): Promise<void> {
    if (this.backlog === 0) return Promise.resolve();
    const drained = new Promise<void>((resolve) => this.idle.push(resolve));
    clearTimeout(this.timer);
    this.timer = undefined;
    this.next();
    return drained;
  }

  private schedule(): void {
    if (this.writing) return;
    if (this.pending.length >= (this.options.maxBatch ?? 200) || this.idle.length > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.next();
    } else if (!this.timer && this.pending.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.next();
      }, this.options.lingerMs ?? 0);
      this.timer.unref();
    }
  }

  private next(): void {
    if (this.writing) return;
    if (this.pending.length === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.writing = true;
    const batch = this.pending.splice(0, this.options.maxBatch ?? 200);
    this.inFlight = batch.length;
    this.write(batch.map((b) => b.item))
      .then(
        () => {
          for (const b of batch) b.settle();
        },
        (error: unknown) => {
          for (const b of batch) b.settle(error ?? new Error("the write failed"));
        },
      )
      .finally(() => {
        this.writing = false;
        this.inFlight = 0;
        if (this.pending.length === 0) this.next();
        else this.schedule();
      });
  }
}
