import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageEngine } from "../storage/engine.js";
import { openStorage } from "../storage/index.js";
import { freshDatabase, testEngines } from "../test-support/harness.js";
import { claimLease, releaseLease } from "./lease.js";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(testEngines())("leases on %s", (kind) => {
  // Two instances: two engines (connection pools) open on one database.
  let first: StorageEngine;
  let second: StorageEngine;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase(kind);
    drop = database.drop;
    first = await openStorage(database);
    second = await openStorage(database);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await drop();
  });

  let names = 0;
  const newName = () => `job-${++names}`;

  it("one of many instances racing for a free lease gets it", async () => {
    const name = newName();
    const claims = Array.from({ length: 12 }, (_, i) =>
      claimLease(i % 2 === 0 ? first.db : second.db, {
        name,
        owner: `instance-${i}`,
        now: T0,
        durationMs: 30_000,
      }),
    );
    const won = (await Promise.all(claims)).filter(Boolean);
    expect(won).toHaveLength(1);
  });

  it("the holder renews its lease while others are refused until it expires", async () => {
    const name = newName();
    const claim = (db: StorageEngine, owner: string, seconds: number) =>
      claimLease(db.db, { name, owner, now: at(seconds), durationMs: 30_000 });
    expect(await claim(first, "a", 0)).toBe(true);
    expect(await claim(second, "b", 10)).toBe(false);
    expect(await claim(first, "a", 20)).toBe(true);
    // Renewed at 20 s, so held until 50 s.
    expect(await claim(second, "b", 45)).toBe(false);
    expect(await claim(second, "b", 50)).toBe(true);
    // The former holder, back after a stall, finds it taken.
    expect(await claim(first, "a", 55)).toBe(false);
  });

  it("a released lease is taken at once by another instance", async () => {
    const name = newName();
    const claim = (db: StorageEngine, owner: string) =>
      claimLease(db.db, { name, owner, now: T0, durationMs: 30_000 });
    expect(await claim(first, "a")).toBe(true);
    // Only the holder can release it.
    await releaseLease(second.db, name, "b");
    expect(await claim(second, "b")).toBe(false);
    await releaseLease(first.db, name, "a");
    expect(await claim(second, "b")).toBe(true);
  });

  it("leases of different names are independent", async () => {
    const one = newName();
    const other = newName();
    const claim = (name: string, owner: string) =>
      claimLease(first.db, { name, owner, now: T0, durationMs: 30_000 });
    expect(await claim(one, "a")).toBe(true);
    expect(await claim(other, "b")).toBe(true);
  });
});
