import type { ParsedTraceInput } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { TraceWriter } from "./writer.js";

const trace = (id: string): ParsedTraceInput => ({
  id,
  startTime: "2026-11-27T10:00:00.000Z",
  status: "ok",
});

describe("trace writer", () => {
  it("stores queued traces in batches per project and flushes on demand", async () => {
    const stored: Array<[string, string[]]> = [];
    const writer = new TraceWriter({
      store: async (projectId, traces) => {
        stored.push([projectId, traces.map((t) => t.id as string)]);
      },
      maxBatch: 3,
      flushDelayMs: 10_000,
    });
    for (const id of ["a0000001", "a0000002"]) writer.enqueue("p1", trace(id));
    writer.enqueue("p2", trace("b0000001"));
    writer.enqueue("p1", trace("a0000003"));
    await writer.flush();
    expect(writer.queued).toBe(0);
    expect(stored).toEqual([
      ["p1", ["a0000001", "a0000002"]],
      ["p2", ["b0000001"]],
      ["p1", ["a0000003"]],
    ]);
    // A flush with nothing queued (the timer firing after an explicit flush) settles at once.
    await writer.flush();
    await writer.close();
  });

  it("stores each trace once when its timer fires while a flush is writing it", async () => {
    const stored: string[] = [];
    let release: () => void = () => {};
    const writer = new TraceWriter({
      store: async (_projectId, traces) => {
        // The first write is slow: the timer fires while it is still under way.
        if (stored.length === 0) await new Promise<void>((resolve) => (release = resolve));
        stored.push(...traces.map((t) => t.id as string));
      },
      flushDelayMs: 1,
    });
    writer.enqueue("p1", trace("a0000001"));
    const flushed = writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.enqueue("p1", trace("a0000002"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await flushed;
    await writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stored).toEqual(["a0000001", "a0000002"]);
    await writer.close();
  });

  it("keeps traces whose write failed and stores them on the retry", async () => {
    let failures = 1;
    const stored: string[] = [];
    const errors: unknown[] = [];
    const writer = new TraceWriter({
      store: async (_projectId, traces) => {
        if (failures-- > 0) throw new Error("database is down");
        stored.push(...traces.map((t) => t.id as string));
      },
      flushDelayMs: 1,
      onError: (error) => errors.push(error),
    });
    writer.enqueue("p", trace("c0000001"));
    await expect.poll(() => stored, { timeout: 5000 }).toEqual(["c0000001"]);
    expect(errors).toHaveLength(1);
    expect(writer.queued).toBe(0);
    await writer.close();
  });

  it("gives up a batch that keeps failing, so the traces behind it still get written", async () => {
    let dropped = 0;
    const stored: string[] = [];
    const writer = new TraceWriter({
      store: async (_projectId, traces) => {
        if (traces.some((t) => t.id === "poison-1")) throw new Error("value refused");
        stored.push(...traces.map((t) => t.id as string));
      },
      maxBatch: 1,
      maxAttempts: 3,
      flushDelayMs: 1,
      onDrop: (n) => {
        dropped += n;
      },
    });
    writer.enqueue("p", trace("poison-1"));
    writer.enqueue("p", trace("e0000001"));
    await expect.poll(() => stored, { timeout: 10_000 }).toEqual(["e0000001"]);
    expect(dropped).toBe(1);
    await writer.close();
  });

  it("drops and counts traces beyond its memory bound instead of growing", async () => {
    let dropped = 0;
    const writer = new TraceWriter({
      store: async () => {},
      maxQueued: 2,
      flushDelayMs: 10_000,
      onDrop: (n) => {
        dropped += n;
      },
    });
    for (const id of ["d0000001", "d0000002", "d0000003", "d0000004"])
      writer.enqueue("p", trace(id));
    expect(writer.queued).toBe(2);
    expect(dropped).toBe(2);
    await writer.close();
    expect(writer.queued).toBe(0);
  });
});
