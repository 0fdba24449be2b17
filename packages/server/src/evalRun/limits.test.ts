import { describe, expect, it } from "vitest";
import { GroupWriter, Semaphore, TokenBuckets } from "./limits.js";

describe("the run's limits", () => {
  it("a token bucket lets a second's worth through, then spaces calls at the rate, per key", async () => {
    let now = 0;
    const waits: number[] = [];
    const buckets = new TokenBuckets(
      () => now,
      async (ms) => {
        waits.push(ms);
      },
    );
    // 120 a minute: a burst of 2, then one every 500 ms.
    for (let i = 0; i < 4; i++) await buckets.take("project\u0000local", 120);
    expect(waits).toEqual([500, 1000]);
    await buckets.take("project\u0000other", 120);
    expect(waits).toEqual([500, 1000]);
    // After a quiet minute the bucket is full again (and no fuller).
    now += 60_000;
    waits.length = 0;
    for (let i = 0; i < 3; i++) await buckets.take("project\u0000local", 120);
    expect(waits).toEqual([500]);
  });

  it("a semaphore hands permits out in order, and a waiter that gives up leaves the queue", async () => {
    const semaphore = new Semaphore(1);
    const first = await semaphore.acquire();
    const order: string[] = [];
    const cancelled = new AbortController();
    const second = semaphore.acquire().then((release) => {
      order.push("second");
      return release;
    });
    const quitter = semaphore.acquire(cancelled.signal).catch(() => order.push("gave up"));
    const third = semaphore.acquire().then((release) => {
      order.push("third");
      return release;
    });
    cancelled.abort();
    await quitter;
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(["gave up", "second", "third"]);
  });

  it("a group writer batches what comes in while it lingers or writes, and reports failures to each", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const writer = new GroupWriter<number>(
      async (items) => {
        batches.push(items);
        if (items.includes(99)) throw new Error("disk full");
        if (items.includes(1)) await new Promise<void>((resolve) => (release = resolve));
      },
      { lingerMs: 60_000, maxBatch: 3 },
    );
    // A full batch is written at once, lingering or not.
    const first = [writer.add(1), writer.add(2), writer.add(3)];
    // These come while it is being written: they wait for the next write.
    const later = [writer.add(4), writer.add(5)];
    expect(writer.backlog).toBe(5);
    release();
    await Promise.all(first);
    // The rest would linger a minute; draining writes them now.
    await writer.drain();
    await Promise.all(later);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(writer.backlog).toBe(0);
    const failed = writer.add(99);
    await writer.drain();
    await expect(failed).rejects.toThrow("disk full");
  });
});
