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

  it("a group writer writes what came in during a write in the next one, and reports failures to each", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const writer = new GroupWriter<number>(async (items) => {
      batches.push(items);
      if (items.includes(99)) throw new Error("disk full");
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.add(1);
    const later = [writer.add(2), writer.add(3)];
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
    await expect(writer.add(99)).rejects.toThrow("disk full");
  });
});
