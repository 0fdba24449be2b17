import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { build, buildState, inputsOf, STAMP } from "./build-if-stale.mjs";

const HOUR = 3600_000;
let root: string;

/** Writes a file of the fixture tree with a given modification time. */
function file(path: string, text: string, mtimeMs: number) {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, mtimeMs / 1000, mtimeMs / 1000);
}

/** Records a finished build of the tree as it is now. */
function stampBuild() {
  file(STAMP, JSON.stringify({ inputs: inputsOf(root) }), Date.now());
}

const BUILD_OK = JSON.stringify({ scripts: { build: 'node -e ""' } });
const edited = Date.now() - 2 * HOUR;

/** A workspace edited two hours ago and built since, with a test build script. */
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "promptline-build-state-"));
  file("package.json", BUILD_OK, edited);
  file("packages/core/package.json", "{}", edited);
  file("packages/core/src/index.ts", "export const a = 1;", edited);
  file("packages/core/src/version/bump.ts", "export const b = 2;", edited);
  file("packages/core/src/version/bump.test.ts", "", edited);
  file("packages/core/tsconfig.tsbuildinfo", "{}", edited);
  file("packages/core/dist/index.js", "", edited);
  file("packages/web/index.html", "<div id=root>", edited);
  file("packages/web/src/main.tsx", "", edited);
  file("packages/web/dist/index.html", "", edited);
  stampBuild();
});

describe("build-if-stale decides whether npm start must build first", () => {
  it("is fresh when nothing changed since the last build", () => {
    expect(buildState(root)).toEqual({
      stale: false,
      reason: "inputs unchanged since the last build",
    });
  });

  it("is stale when a source changed, even to an older modification time (rsync -a, tar)", () => {
    file("packages/core/src/version/bump.ts", "export const b = 3;", Date.now());
    expect(buildState(root)).toEqual({
      stale: true,
      reason: "packages/core/src/version/bump.ts changed since the last build",
    });
    stampBuild();
    file("packages/core/src/index.ts", "export const a = 7;", edited - HOUR);
    expect(buildState(root).reason).toBe("packages/core/src/index.ts changed since the last build");
  });

  it("is stale when a package's index.html or the root package.json changed", () => {
    file("packages/web/index.html", "<div id=app>", Date.now());
    expect(buildState(root).stale).toBe(true);
    stampBuild();
    file("package.json", "{}", Date.now());
    expect(buildState(root).reason).toBe("package.json changed since the last build");
  });

  it("is stale when a source was added or deleted since the last build", () => {
    rmSync(join(root, "packages/core/src/version/bump.ts"));
    expect(buildState(root).reason).toBe(
      "packages/core/src/version/bump.ts was removed since the last build",
    );
    file("packages/core/src/version/bump.ts", "export const b = 2;", edited);
    file("packages/core/src/new.ts", "", edited);
    expect(buildState(root).reason).toBe("packages/core/src/new.ts was added since the last build");
  });

  it("ignores tests, which no build includes", () => {
    file("packages/core/src/version/bump.test.ts", "it()", Date.now());
    expect(buildState(root).stale).toBe(false);
  });

  it("is stale with no finished build recorded, or with a package's output missing or empty", () => {
    rmSync(join(root, "packages/web/dist/index.html"));
    expect(buildState(root)).toEqual({ stale: true, reason: "packages/web/dist missing" });
    rmSync(join(root, "packages/web/dist"), { recursive: true });
    expect(buildState(root)).toEqual({ stale: true, reason: "packages/web/dist missing" });
    rmSync(join(root, STAMP));
    expect(buildState(root)).toEqual({ stale: true, reason: "no finished build recorded" });
  });

  it("records a successful build, after which the tree is fresh; a failed one leaves no record", () => {
    file("packages/core/src/index.ts", "export const a = 2;", Date.now());
    file("package.json", JSON.stringify({ scripts: { build: "exit 3" } }), edited);
    expect(build(root)).toBe(3);
    expect(existsSync(join(root, STAMP))).toBe(false);
    file("package.json", BUILD_OK, edited);
    expect(build(root)).toBe(0);
    expect(buildState(root).stale).toBe(false);
  });

  it("forgets tsc's incremental records when an output is missing, so tsc emits it again", () => {
    rmSync(join(root, "packages/core/dist"), { recursive: true });
    expect(build(root)).toBe(0);
    expect(existsSync(join(root, "packages/core/tsconfig.tsbuildinfo"))).toBe(false);
    file("packages/core/tsconfig.tsbuildinfo", "{}", edited);
    file("packages/core/dist/index.js", "", edited);
    expect(build(root)).toBe(0);
    expect(existsSync(join(root, "packages/core/tsconfig.tsbuildinfo"))).toBe(true);
  });
});
