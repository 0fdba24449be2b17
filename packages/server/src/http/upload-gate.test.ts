import { RateLimited, Unavailable } from "@promptline/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UploadGate } from "./upload-gate.js";

describe("ingest gate", () => {
  afterEach(() => vi.useRealTimers());

  it("refuses a key's second batch while its first is in progress, and takes it once that ends", async () => {
    const gate = new UploadGate({ maxActive: 2 });
    const end = await gate.admit("project/key-a");
    const second = gate.admit("project/key-a");
    await expect(second).rejects.toBeInstanceOf(RateLimited);
    await expect(second).rejects.toMatchObject({ retryAfterSeconds: 2 });
    end();
    end(); // ending twice gives back one turn only
    expect(gate.stats).toEqual({ active: 0, waiting: 0 });
    await expect(gate.admit("project/key-a")).resolves.toBeTypeOf("function");
  });

  it("lets batches past the limit wait and hands out turns in the order they came", async () => {
    const gate = new UploadGate({ maxActive: 1, maxWaiting: 2 });
    const order: string[] = [];
    const endA = await gate.admit("a");
    const turn = async (key: string) => {
      const end = await gate.admit(key);
      order.push(key);
      return end;
    };
    const b = turn("b");
    const c = turn("c");
    expect(gate.stats).toEqual({ active: 1, waiting: 2 });
    endA();
    (await b)();
    (await c)();
    expect(order).toEqual(["b", "c"]);
    expect(gate.stats).toEqual({ active: 0, waiting: 0 });
  });

  it("refuses as unavailable, with Retry-After, when the queue is full or a wait runs too long", async () => {
    vi.useFakeTimers();
    const gate = new UploadGate({ maxActive: 1, maxWaiting: 1, maxWaitMs: 5_000 });
    await gate.admit("a");
    const waiting = gate.admit("b");
    await expect(gate.admit("c")).rejects.toBeInstanceOf(Unavailable);
    const outcome = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await outcome).toMatchObject({ code: "unavailable", retryAfterSeconds: 2 });
    // Refused, the batch holds nothing: its key may send again and wait its turn.
    expect(gate.stats).toEqual({ active: 1, waiting: 0 });
    gate.admit("b").catch(() => {});
    expect(gate.stats.waiting).toBe(1);
  });

  it("drops a waiting batch whose sender hung up", async () => {
    const gate = new UploadGate({ maxActive: 1 });
    const endA = await gate.admit("a");
    const hangUp = new AbortController();
    const waiting = gate.admit("b", hangUp.signal);
    hangUp.abort(new Error("Client connection prematurely closed."));
    await expect(waiting).rejects.toThrow("prematurely closed");
    expect(gate.stats).toEqual({ active: 1, waiting: 0 });
    endA();
    expect(gate.stats).toEqual({ active: 0, waiting: 0 });
  });
});
