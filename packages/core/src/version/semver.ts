import { z } from "zod";

export const bumpLevelSchema = z.enum(["major", "minor", "patch"]);
export type BumpLevel = z.infer<typeof bumpLevelSchema>;

export const FIRST_SEMVER = "1.0.0";
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** `2.4.1` as [2, 4, 1]; throws on anything that is not MAJOR.MINOR.PATCH. */
export function parseSemver(value: string): [number, number, number] {
  const match = SEMVER.exec(value);
  if (!match) throw new Error(`not a semantic version: ${value}`);
  return match.slice(1).map(Number) as [number, number, number];
}

/** `2.4.1` bumped by `minor` is `2.5.0`. */
export function bumpSemver(current: string, level: BumpLevel): string {
  const [major, minor, patch] = parseSemver(current);
  if (level === "major") return `${major + 1}.0.0`;
  if (level === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const ORDER: Record<BumpLevel, number> = { patch: 0, minor: 1, major: 2 };

export function highestBump(levels: BumpLevel[]): BumpLevel {
  return levels.reduce<BumpLevel>((a, b) => (ORDER[b] > ORDER[a] ? b : a), "patch");
}
