import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { build, buildState, STAMP } from "./build-if-stale.mjs";

const HOUR = 3600_000;
let root: string;

/** Sets the modification time of `dir` and of everything in it. */
function age(dir: string, mtimeMs: number) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) age(join(dir, entry.name), mtimeMs);
    else utimesSync(join(dir, entry.name), mtimeMs / 1000, mtimeMs / 1000);
  }
  utimesSync(dir, mtimeMs / 1000, mtimeMs / 1000);
}

/** Writes a file of the fixture tree with a given modification time. */
function file(path: string, text: string, mtimeMs: number) {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, mtimeMs / 1000, mtimeMs / 1000);
}

function stampBuild(startedAtMs: number) {
  file(STAMP, JSON.stringify({ startedAtMs }), startedAtMs);
}

/** A workspace edited two hours ago, whose build ran an hour ago. */
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "promptline-build-state-"));
  const edited = Date.now() - 2 * HOUR;
  file("package.json", JSON.stringify({ scripts: { build: 'node -e ""' } }), edited);
  file("packages/core/package.json", "{}", edited);
  file("packages/core/src/index.ts", "export const a = 1;", edited);
  file("packages/core/src/version/bump.ts", "export const b = 2;", edited);
  file("packages/core/src/version/bump.test.ts", "", edited);
  file("packages/web/index.html", "<div id=root>", edited);
  file("packages/web/src/main.tsx", "", edited);
  mkdirSync(join(root, "packages/core/dist"));
  mkdirSync(join(root, "packages/web/dist"));
  age(root, edited);
  stampBuild(Date.now() - HOUR);
});

describe("build-if-stale decides whether npm start must build first", () => {
  it("is fresh when nothing changed since the last build started", () => {
    expect(buildState(root)).toEqual({
      stale: false,
      reason: "sources unchanged since the last build",
    });
  });

  it("is stale when a source changed after the last build started", () => {
    file("packages/core/src/version/bump.ts", "export const b = 3;", Date.now());
    expect(buildState(root)).toEqual({
      stale: true,
      reason: "packages/core/src/version/bump.ts changed since the last build",
    });
  });

  it("is stale when a package's index.html or the root package.json changed", () => {
    file("packages/web/index.html", "<div id=app>", Date.now());
    expect(buildState(root).stale).toBe(true);
    stampBuild(Date.now() + 1);
    file("package.json", "{}", Date.now() + 2);
    expect(buildState(root).reason).toBe("package.json changed since the last build");
  });

  it("is stale when a source was deleted since the last build", () => {
    rmSync(join(root, "packages/core/src/version/bump.ts"));
    expect(buildState(root)).toEqual({
      stale: true,
      reason: "packages/core/src/version changed since the last build",
    });
  });

  it("ignores tests, which no build includes", () => {
    file("packages/core/src/version/bump.test.ts", "it()", Date.now());
    expect(buildState(root).stale).toBe(false);
  });

  it("is stale with no recorded build, or with a package's output missing", () => {
    rmSync(join(root, "packages/web/dist"), { recursive: true });
    expect(buildState(root)).toEqual({ stale: true, reason: "packages/web/dist missing" });
    rmSync(join(root, STAMP));
    expect(buildState(root)).toEqual({ stale: true, reason: "no build recorded yet" });
  });

  it("records a successful build, after which the tree is fresh; a failed build leaves it stale", () => {
    file("packages/core/src/index.ts", "export const a = 2;", Date.now() - 1000);
    file("package.json", JSON.stringify({ scripts: { build: "exit 3" } }), Date.now() - HOUR);
    expect(build(root)).toBe(3);
    expect(buildState(root).stale).toBe(true);
    file("package.json", JSON.stringify({ scripts: { build: 'node -e ""' } }), Date.now() - HOUR);
    expect(build(root)).toBe(0);
    expect(buildState(root).stale).toBe(false);
  });
});
