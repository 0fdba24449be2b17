import { RateLimited, Unavailable } from "@promptline/core";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppEnv } from "./auth.js";
import { errorToProblem } from "./problem.js";
import { takeUploadTurn, UploadGate } from "./upload-gate.js";

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

describe("the upload turn middleware", () => {
  /** Bodies over 10 bytes take a turn; the `x-key` header names the caller's key. */
  function appWith(gate: UploadGate) {
    const app = new Hono<AppEnv>();
    app.onError((error, c) => errorToProblem(error, c, { error: () => {}, debug: () => {} }));
    app.use("*", async (c, next) => {
      const keyId = c.req.header("x-key");
      if (keyId) c.set("principal", { projectId: "p1", role: "editor", actor: "t", keyId });
      await next();
    });
    app.use("*", takeUploadTurn(gate));
    let finish: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    app.post("/hold", async (c) => {
      await held;
      return c.text("stored");
    });
    app.post("/at-once", (c) => c.text("stored"));
    return { app, finish };
  }

  const send = (app: Hono<AppEnv>, path: string, key: string | undefined, bytes: number) =>
    app.request(path, {
      method: "POST",
      headers: { "content-length": String(bytes), ...(key ? { "x-key": key } : {}) },
      body: "x".repeat(bytes),
    });

  it("holds a turn for a key's large body until it is answered, refusing the key's next one with 429", async () => {
    const gate = new UploadGate({ largeBodyBytes: 10, maxActive: 1 });
    const { app, finish } = appWith(gate);
    const first = send(app, "/hold", "k1", 11);
    await vi.waitFor(() => expect(gate.stats.active).toBe(1));
    const second = await send(app, "/at-once", "k1", 11);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("2");
    finish();
    expect((await first).status).toBe(200);
    expect(gate.stats).toEqual({ active: 0, waiting: 0 });
    expect((await send(app, "/at-once", "k1", 11)).status).toBe(200);
  });

  it("lets small bodies and callers not yet known pass without a turn", async () => {
    const gate = new UploadGate({ largeBodyBytes: 10, maxActive: 1 });
    const { app, finish } = appWith(gate);
    const large = send(app, "/hold", "k1", 11);
    await vi.waitFor(() => expect(gate.stats.active).toBe(1));
    expect((await send(app, "/at-once", "k1", 10)).status).toBe(200);
    expect((await send(app, "/at-once", undefined, 11)).status).toBe(200);
    expect(gate.stats).toEqual({ active: 1, waiting: 0 });
    finish();
    await large;
  });

  it("counts a body of unknown length as large", async () => {
    const gate = new UploadGate({ largeBodyBytes: 10, maxActive: 1 });
    const { app, finish } = appWith(gate);
    const chunked = app.request("/hold", {
      method: "POST",
      headers: { "transfer-encoding": "chunked", "x-key": "k1" },
      body: "tiny",
    });
    await vi.waitFor(() => expect(gate.stats.active).toBe(1));
    finish();
    expect((await chunked).status).toBe(200);
    expect(gate.stats.active).toBe(0);
  });
});
