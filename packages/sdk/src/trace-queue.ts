/** A serialised trace waiting to be sent; `seq` orders traces as they were recorded. */
export interface Buffered {
  id: string;
  json: string;
  seq: number;
}

/** UTF-16 units a batch may hold: at 3 bytes each at most, under the server's 16 MiB limit. */
export const MAX_BATCH_CHARS = 5_000_000;

/**
 * The traces waiting to be sent and the batch on the wire, bounded: past `maxBuffered` the oldest
 * waiting trace is dropped. Waiting traces are queue[head…]; the head moves instead of shifting
 * the array.
 */
export class TraceQueue {
  private queue: Buffered[] = [];
  private head = 0;
  private inflight: Buffered[] = [];
  private seq = 0;

  constructor(private readonly maxBuffered: number) {}

  /** Waiting to be sent. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Waiting or on the wire. */
  get buffered(): number {
    return this.waiting + this.inflight.length;
  }

  /** The sequence number of the newest trace. */
  get lastSeq(): number {
    return this.seq;
  }

  /** The sequence number of the oldest trace waiting, or Infinity. */
  get nextSeq(): number {
    return this.queue[this.head]?.seq ?? Infinity;
  }

  /** The sequence number of the oldest trace not yet settled (on the wire or waiting), or Infinity. */
  get oldestSeq(): number {
    return this.inflight[0]?.seq ?? this.nextSeq;
  }

  /**
   * Adds a trace; when the buffer is full the oldest waiting trace makes room for it — or, with
   * nothing waiting (all on the wire), it is not added. Returns how many traces were dropped.
   */
  push(id: string, json: string): number {
    let dropped = 0;
    if (this.buffered >= this.maxBuffered) {
      dropped = 1;
      if (this.waiting === 0) return dropped;
      this.head++;
      this.compact();
    }
    this.queue.push({ id, json, seq: ++this.seq });
    return dropped;
  }

  has(id: string): boolean {
    if (this.inflight.some((t) => t.id === id)) return true;
    for (let i = this.head; i < this.queue.length; i++) {
      if ((this.queue[i] as Buffered).id === id) return true;
    }
    return false;
  }

  /** Takes the oldest waiting traces, at most `max` and MAX_BATCH_CHARS, onto the wire. */
  take(max: number): Buffered[] {
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
    this.inflight = batch;
    return batch;
  }

  /** The batch on the wire is done with (stored, rejected or dropped). */
  settle(): void {
    this.inflight = [];
  }

  /**
   * Returns the batch on the wire to the front: it is still the oldest, so the first to go if the
   * buffer fills. It always fits: push() made room for it while it was on the wire.
   */
  putBack(): void {
    this.queue = [...this.inflight, ...this.queue.slice(this.head)];
    this.head = 0;
    this.inflight = [];
  }

  /** Empties the waiting queue; returns how many traces were in it. */
  discardWaiting(): number {
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
}
