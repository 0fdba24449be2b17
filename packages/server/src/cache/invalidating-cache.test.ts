import { describe, expect, it } from "vitest";
import { InvalidatingCache } from "./invalidating-cache.js";

/** A load the test finishes when it chooses. */
function deferred<V>() {
  let resolve!: (value: V) => void;
  const promise = new Promise<V>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("the invalidating cache", () => {
  it("keeps what it loaded and answers from memory afterwards", async () => {
    const cache = new InvalidatingCache<string>(10);
    let loads = 0;
    const loader = async () => `value ${++loads}`;
    expect(await cache.load("prompt-a", "production", loader)).toBe("value 1");
    expect(cache.get("prompt-a", "production")).toBe("value 1");
    expect(loads).toBe(1);
  });

  it("shares one load among concurrent misses of the same entry", async () => {
    const cache = new InvalidatingCache<string>(10);
    const gate = deferred<string>();
    let loads = 0;
    const loader = () => {
      loads++;
      return gate.promise;
    };
    const answers = Promise.all([1, 2, 3].map(() => cache.load("p", "k", loader)));
    gate.resolve("v");
    expect(await answers).toEqual(["v", "v", "v"]);
    expect(loads).toBe(1);
  });

  it("drops a whole group on invalidation, leaving other groups", async () => {
    const cache = new InvalidatingCache<string>(10);
    await cache.load("a", "production", async () => "a1");
    await cache.load("a", "staging", async () => "a2");
    await cache.load("b", "production", async () => "b1");
    cache.invalidate("a");
    expect(cache.get("a", "production")).toBeUndefined();
    expect(cache.get("a", "staging")).toBeUndefined();
    expect(cache.get("b", "production")).toBe("b1");
  });

  it("returns but does not keep a load that raced with an invalidation", async () => {
    const cache = new InvalidatingCache<string>(10);
    const gate = deferred<string>();
    const loading = cache.load("p", "k", () => gate.promise);
    cache.invalidate("p");
    gate.resolve("stale");
    expect(await loading).toBe("stale");
    expect(cache.get("p", "k")).toBeUndefined();
    // And the next miss loads afresh instead of joining the stale load.
    expect(await cache.load("p", "k", async () => "fresh")).toBe("fresh");
  });

  it("stays bounded: the oldest group goes first, and a full group keeps no more keys", async () => {
    const cache = new InvalidatingCache<number>(2, 2);
    for (const group of ["a", "b", "c"]) await cache.load(group, "k", async () => 1);
    expect(cache.get("a", "k")).toBeUndefined();
    expect(cache.get("c", "k")).toBe(1);
    for (const key of ["k2", "k3"]) await cache.load("c", key, async () => 2);
    expect(cache.get("c", "k2")).toBe(2);
    expect(cache.get("c", "k3")).toBeUndefined();
  });

  it("forgets everything on clear", async () => {
    const cache = new InvalidatingCache<number>(10);
    await cache.load("a", "k", async () => 1);
    cache.clear();
    expect(cache.get("a", "k")).toBeUndefined();
  });

  it("does not keep a failed load", async () => {
    const cache = new InvalidatingCache<number>(10);
    await expect(
      cache.load("a", "k", async () => {
        throw new Error("database down");
      }),
    ).rejects.toThrow("database down");
    expect(await cache.load("a", "k", async () => 7)).toBe(7);
  });
});
