import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliveredRolloutSchema } from "./api.js";
import {
  assignVersion,
  BUCKETS,
  bucketOf,
  fnv1a32,
  type VersionAssignment,
  type VersionRollout,
} from "./assign.js";

interface AssignmentCase {
  name: string;
  rollout: VersionRollout;
  context: Record<string, unknown>;
  expected: VersionAssignment;
}

const { cases } = JSON.parse(
  readFileSync(new URL("./assignment-vectors.json", import.meta.url), "utf8"),
) as { cases: AssignmentCase[] };

describe("the shared assignment vectors", () => {
  it("are rollouts as the server delivers them, covering every condition", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases) deliveredRolloutSchema.parse(c.rollout);
    const ops = new Set(
      cases.flatMap((c) => c.rollout.rules.flatMap((r) => r.conditions.map((x) => x.op))),
    );
    expect([...ops].sort()).toEqual(
      [
        "equals",
        "not_equals",
        "in",
        "not_in",
        "gt",
        "gte",
        "lt",
        "lte",
        "semver_gt",
        "semver_lt",
        "semver_lte",
        "semver_gte",
        "matches",
        "percent",
      ].sort(),
    );
  });

  it("are reproduced by assignVersion, case by case", () => {
    for (const c of cases) {
      expect(assignVersion(c.rollout, c.context), c.name).toEqual(c.expected);
    }
  });
});

/** A split of `count` variants whose weights add up to 10,000, versions 1…count (control last). */
const splitOf = (cuts: number[]) => {
  const edges = [0, ...[...cuts].sort((a, b) => a - b), BUCKETS];
  return edges.slice(1).map((edge, i) => ({ version: i + 1, weight: edge - (edges[i] as number) }));
};
const splitArb = fc.array(fc.integer({ min: 0, max: BUCKETS }), { minLength: 1, maxLength: 3 });
const saltArb = fc.string({ minLength: 1, maxLength: 24 });

const rolloutOf = (salt: string, split: VersionRollout["split"]): VersionRollout => ({
  salt,
  unit: "userId",
  control: split.length,
  rules: [],
  split,
});

/** A canary: candidate 2 in the first `weight` buckets, control 1 in the rest. */
const canary = (salt: string, weight: number): VersionRollout => ({
  ...rolloutOf(salt, [
    { version: 2, weight },
    { version: 1, weight: BUCKETS - weight },
  ]),
  control: 1,
});

/** FNV-1a over TextEncoder's bytes, as docs/rollouts.md defines it, to check the fast hash by. */
function referenceFnv(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

/** The bucket as docs/rollouts.md writes it: mix32(fnv1a32(utf8(salt + NUL + unit))) mod 10000. */
function referenceBucket(salt: string, unit: string): number {
  let h = referenceFnv(`${salt}\u0000${unit}`);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % BUCKETS;
}

/** Any UTF-16 text, lone surrogates included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

describe("assignment properties", () => {
  it("hash the UTF-8 bytes TextEncoder gives, for any text (lone surrogates as U+FFFD)", () => {
    fc.assert(
      fc.property(anyText, anyText, (salt, unit) => {
        expect(fnv1a32(unit)).toBe(referenceFnv(unit));
        expect(bucketOf(salt, unit)).toBe(referenceBucket(salt, unit));
      }),
      { numRuns: 500 },
    );
  });

  it("honour the weights: each variant's share of 20,000 units is within 4.5 σ of its weight", () => {
    fc.assert(
      fc.property(saltArb, splitArb, (salt, cuts) => {
        const split = splitOf(cuts);
        const units = 20_000;
        const counts = new Map<number, number>();
        for (let u = 0; u < units; u++) {
          const { version } = assignVersion(rolloutOf(salt, split), { userId: `u-${u}` });
          counts.set(version, (counts.get(version) ?? 0) + 1);
        }
        for (const { version, weight } of split) {
          const p = weight / BUCKETS;
          const sigma = Math.sqrt((p * (1 - p)) / units);
          const share = (counts.get(version) ?? 0) / units;
          expect(Math.abs(share - p)).toBeLessThanOrEqual(4.5 * sigma + 1e-9);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("are sticky: the same unit and context get the same version, whatever else differs", () => {
    fc.assert(
      fc.property(saltArb, splitArb, fc.string({ minLength: 1 }), (salt, cuts, unit) => {
        const rollout = rolloutOf(salt, splitOf(cuts));
        const first = assignVersion(rollout, { userId: unit });
        expect(assignVersion(rollout, { userId: unit })).toEqual(first);
        expect(assignVersion(structuredClone(rollout), { noise: 1, userId: unit })).toEqual(first);
      }),
    );
  });

  it("only add units to the candidate as a canary widens", () => {
    fc.assert(
      fc.property(
        saltArb,
        fc.integer({ min: 0, max: BUCKETS }),
        fc.integer({ min: 0, max: BUCKETS }),
        (salt, a, b) => {
          const [narrow, wide] = [canary(salt, Math.min(a, b)), canary(salt, Math.max(a, b))];
          for (let u = 0; u < 1_000; u++) {
            const context = { userId: `u-${u}` };
            if (assignVersion(narrow, context).variant === "candidate") {
              expect(assignVersion(wide, context).variant).toBe("candidate");
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("move no unit but those across the moved boundary when a share changes either way", () => {
    fc.assert(
      fc.property(
        saltArb,
        fc.integer({ min: 0, max: BUCKETS }),
        fc.integer({ min: 0, max: BUCKETS }),
        (salt, before, after) => {
          const [low, high] = [Math.min(before, after), Math.max(before, after)];
          for (let u = 0; u < 1_000; u++) {
            const context = { userId: `u-${u}` };
            const moved =
              assignVersion(canary(salt, before), context).version !==
              assignVersion(canary(salt, after), context).version;
            const bucket = bucketOf(salt, `u-${u}`);
            expect(moved).toBe(bucket >= low && bucket < high);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("leave units a targeting rule catches where the rule puts them when the split changes", () => {
    fc.assert(
      fc.property(saltArb, splitArb, splitArb, (salt, cutsA, cutsB) => {
        const rule = {
          conditions: [{ attribute: "plan", op: "equals" as const, value: "internal" }],
          variants: [{ version: 9, weight: BUCKETS }],
        };
        const a = { ...rolloutOf(salt, splitOf(cutsA)), rules: [rule] };
        const b = { ...rolloutOf(salt, splitOf(cutsB)), rules: [rule] };
        for (let u = 0; u < 100; u++) {
          const context = { userId: `u-${u}`, plan: "internal" };
          expect(assignVersion(a, context)).toEqual(assignVersion(b, context));
          expect(assignVersion(a, context).by).toBe(0);
        }
      }),
    );
  });
});
