import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  assign,
  BUCKETS,
  bucketOf,
  type Condition,
  fnv1a32,
  meets,
  pickByBucket,
  type RolloutDefinition,
} from "./assign.js";

interface Vector {
  salt: string;
  unit: string;
  fnv1a32: number;
  bucket: number;
}

const { vectors } = JSON.parse(
  readFileSync(new URL("./vectors.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

/** The candidates that `weight` basis points of a canary give `units` out of 100,000. */
function candidates(weight: number, salt = "canary-salt", units = 100_000): Set<number> {
  const chosen = new Set<number>();
  for (let u = 0; u < units; u++) {
    const split = [
      { value: "candidate", weight },
      { value: "control", weight: BUCKETS - weight },
    ];
    if (pickByBucket(split, bucketOf(salt, `user-${u}`)) === "candidate") chosen.add(u);
  }
  return chosen;
}

describe("the assignment hash", () => {
  it("is 32-bit FNV-1a over UTF-8, as published (the FNV reference vectors)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("gives every test vector's bucket, computed by an independent implementation", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(10);
    for (const v of vectors) {
      expect(fnv1a32(`${v.salt}\u0000${v.unit}`), `${v.salt} / ${v.unit}`).toBe(v.fnv1a32);
      expect(bucketOf(v.salt, v.unit), `${v.salt} / ${v.unit}`).toBe(v.bucket);
    }
  });

  it("spreads units evenly over the buckets", () => {
    const counts = new Array(10).fill(0);
    for (let u = 0; u < 100_000; u++) counts[Math.floor(bucketOf("spread", `u${u}`) / 1000)]++;
    // Chi-square with 9 degrees of freedom: 27.88 is its 0.001 critical value.
    const chi = counts.reduce((sum, c) => sum + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(27.88);
  });
});

describe("sticky splits", () => {
  it("give a 5 % canary about 5 % of units", () => {
    const share = candidates(500).size / 100_000;
    expect(share).toBeGreaterThan(0.047);
    expect(share).toBeLessThan(0.053);
  });

  it("only add units as a canary widens: 5 % → 25 % → 50 % → 100 %", () => {
    const steps = [500, 2500, 5000, 10_000].map((w) => candidates(w, "widen", 20_000));
    for (let i = 1; i < steps.length; i++) {
      const before = steps[i - 1] as Set<number>;
      const after = steps[i] as Set<number>;
      for (const unit of before) expect(after.has(unit)).toBe(true);
      expect(after.size).toBeGreaterThan(before.size);
    }
    expect(steps[3]?.size).toBe(20_000);
  });

  it("reshuffle under another salt: a new rollout does not inherit the last one's canary", () => {
    const a = candidates(1000, "first", 20_000);
    const b = candidates(1000, "second", 20_000);
    const both = [...a].filter((u) => b.has(u)).length;
    // Independent 10 % samples overlap on about 1 % of units, not 10 %.
    expect(both / 20_000).toBeLessThan(0.02);
  });

  it("lay ranges end to end, and give buckets past short weights to the last variant", () => {
    const split = [
      { value: "a", weight: 100 },
      { value: "b", weight: 200 },
    ];
    expect([0, 99, 100, 299, 300, 9999].map((b) => pickByBucket(split, b))).toEqual([
      "a",
      "a",
      "b",
      "b",
      "b",
      "b",
    ]);
    expect(() => pickByBucket([], 0)).toThrow(RangeError);
  });
});

describe("targeting conditions", () => {
  const context = { plan: "enterprise", region: "eu", seats: "250", app: "2.10.1", beta: true };
  const holds = (condition: Condition) => meets(condition, context, "salt");

  it("compare text, lists, numbers and semantic versions", () => {
    expect(holds({ attribute: "plan", op: "equals", value: "enterprise" })).toBe(true);
    expect(holds({ attribute: "beta", op: "equals", value: true })).toBe(true);
    expect(holds({ attribute: "region", op: "in", values: ["us", "eu"] })).toBe(true);
    expect(holds({ attribute: "region", op: "not_in", values: ["us"] })).toBe(true);
    expect(holds({ attribute: "seats", op: "gte", value: 250 })).toBe(true);
    expect(holds({ attribute: "seats", op: "gt", value: 250 })).toBe(false);
    // 2.10.1 is after 2.9.0 as versions, though not as text.
    expect(holds({ attribute: "app", op: "semver_gt", value: "2.9.0" })).toBe(true);
    expect(holds({ attribute: "app", op: "semver_lt", value: "2.10.1" })).toBe(false);
    expect(holds({ attribute: "app", op: "semver_lte", value: "v2.10.1" })).toBe(true);
  });

  it("treat a missing or unreadable attribute as not that value and never as a match", () => {
    expect(holds({ attribute: "cohort", op: "equals", value: "a" })).toBe(false);
    expect(holds({ attribute: "cohort", op: "not_equals", value: "a" })).toBe(true);
    expect(holds({ attribute: "cohort", op: "not_in", values: ["a"] })).toBe(true);
    expect(holds({ attribute: "plan", op: "lt", value: 3 })).toBe(false);
    expect(holds({ attribute: "plan", op: "semver_gte", value: "1.0.0" })).toBe(false);
    // Inherited names are not attributes.
    expect(holds({ attribute: "constructor", op: "not_equals", value: "x" })).toBe(true);
    expect(holds({ attribute: "toString", op: "percent", percent: 100 })).toBe(false);
  });

  it("take a stable percentage of a segment", () => {
    let inside = 0;
    for (let u = 0; u < 10_000; u++) {
      const c: Condition = { attribute: "userId", op: "percent", percent: 20 };
      if (meets(c, { userId: `u${u}` }, "rule-salt")) inside++;
    }
    expect(inside / 10_000).toBeGreaterThan(0.18);
    expect(inside / 10_000).toBeLessThan(0.22);
  });
});

describe("assigning a rollout", () => {
  const rollout: RolloutDefinition<number> = {
    salt: "r-1",
    rules: [
      {
        conditions: [{ attribute: "plan", op: "equals", value: "internal" }],
        variants: [{ value: 3, weight: BUCKETS }],
      },
      {
        conditions: [
          { attribute: "region", op: "in", values: ["eu"] },
          { attribute: "plan", op: "not_equals", value: "free" },
        ],
        variants: [
          { value: 3, weight: 5000 },
          { value: 2, weight: 5000 },
        ],
      },
    ],
    split: [
      { value: 3, weight: 500 },
      { value: 2, weight: 9500 },
    ],
    control: 2,
  };

  it("lets the first matching rule decide, then the split, and serves control without a unit", () => {
    expect(assign(rollout, { userId: "ada", plan: "internal" })).toMatchObject({ value: 3, by: 0 });
    expect(assign(rollout, { userId: "ada", region: "eu", plan: "pro" }).by).toBe(1);
    expect(assign(rollout, { userId: "ada", region: "eu", plan: "free" }).by).toBe("split");
    expect(assign(rollout, { plan: "internal" })).toEqual({
      value: 2,
      by: "no-unit",
      bucket: null,
    });
  });

  it("is sticky: the same unit gets the same version every time, by any attribute chosen", () => {
    const byAccount = { ...rollout, unit: "accountId" };
    for (let u = 0; u < 200; u++) {
      const context = { userId: `user-${u}`, accountId: `acct-${u % 7}` };
      expect(assign(rollout, context)).toEqual(assign(rollout, { ...context }));
      expect(assign(byAccount, context).bucket).toBe(bucketOf("r-1", `acct-${u % 7}`));
    }
  });
});
