// Builds the workspace (npm run build) only when its inputs changed since the last build this
// script ran: `npm start` runs it first, so a second start does not spend half a minute on tsc
// and vite. --always builds whatever the state (npm install's prepare does).
//   node scripts/build-if-stale.mjs [--always]
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** What the last successful build was made from (ignored by git with node_modules). */
export const STAMP = "node_modules/.cache/promptline/build-stamp.json";

/** Files of the repository root and of each package (besides src/) that change a build's output. */
const ROOT_INPUTS = ["package.json", "package-lock.json", "tsconfig.base.json"];
const PACKAGE_INPUTS = /^(package\.json|tsconfig.*\.json|index\.html|vite\.config\.ts)$/;
/** Tests are excluded from every package's build (see packages/*\/tsconfig.json). */
const TEST_FILE = /\.test\.tsx?$/;

/**
 * Every input under `root`, path → "size:mtime". Any difference from the recorded build counts,
 * not only a newer time: a file copied back with an older one (rsync -a, tar, cp -p) is a change.
 */
export function inputsOf(root) {
  const inputs = {};
  const consider = (path) => {
    const { size, mtimeMs } = statSync(path);
    inputs[relative(root, path)] = `${size}:${mtimeMs}`;
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!TEST_FILE.test(entry.name)) consider(path);
    }
  };
  for (const name of ROOT_INPUTS) {
    if (existsSync(join(root, name))) consider(join(root, name));
  }
  for (const pkg of packageDirs(root)) {
    for (const name of readdirSync(pkg)) {
      if (PACKAGE_INPUTS.test(name)) consider(join(pkg, name));
    }
    walk(join(pkg, "src"));
  }
  return inputs;
}

/** Every package with sources: packages/<name>/src. */
function packageDirs(root) {
  const packages = join(root, "packages");
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packages, entry.name, "src")))
    .map((entry) => join(packages, entry.name));
}

/** Packages whose build output (dist/) is missing or empty. */
export function missingOutputs(root) {
  return packageDirs(root)
    .filter((pkg) => !existsSync(join(pkg, "dist")) || readdirSync(join(pkg, "dist")).length === 0)
    .map((pkg) => relative(root, join(pkg, "dist")));
}

/** The first input added, changed or removed between two records, or undefined. */
function firstDifference(recorded, current) {
  for (const [path, state] of Object.entries(current)) {
    if (recorded[path] === undefined) return `${path} was added`;
    if (recorded[path] !== state) return `${path} changed`;
  }
  for (const path of Object.keys(recorded)) {
    if (current[path] === undefined) return `${path} was removed`;
  }
  return undefined;
}

/**
 * Whether `root` needs a build, and why: it does when no build has been recorded (none yet, or
 * the last one did not finish), when an output is missing, or when an input differs from those
 * the recorded build started from.
 */
export function buildState(root) {
  const stampPath = join(root, STAMP);
  if (!existsSync(stampPath)) return { stale: true, reason: "no finished build recorded" };
  const missing = missingOutputs(root);
  if (missing.length > 0) return { stale: true, reason: `${missing.join(", ")} missing` };
  const { inputs } = JSON.parse(readFileSync(stampPath, "utf8"));
  const difference = firstDifference(inputs ?? {}, inputsOf(root));
  if (difference) return { stale: true, reason: `${difference} since the last build` };
  return { stale: false, reason: "inputs unchanged since the last build" };
}

/**
 * Runs `npm run build` in `root`, and records the inputs it started from once it has succeeded.
 * The old record goes first, so a build cut short (a crash, Ctrl-C) is redone by the next start.
 * With an output missing, tsc's incremental records (beside each package's tsconfig) go too, or
 * tsc would believe the deleted output still up to date.
 */
export function build(root) {
  // The start, not the end: a source saved while the build runs makes the next start rebuild.
  const inputs = inputsOf(root);
  rmSync(join(root, STAMP), { force: true });
  if (missingOutputs(root).length > 0) {
    for (const pkg of packageDirs(root)) {
      for (const name of readdirSync(pkg)) {
        if (name.endsWith(".tsbuildinfo")) rmSync(join(pkg, name));
      }
    }
  }
  const run = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) return run.status ?? 1;
  mkdirSync(join(root, STAMP, ".."), { recursive: true });
  writeFileSync(join(root, STAMP), `${JSON.stringify({ inputs })}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const state = process.argv.includes("--always")
    ? { stale: true, reason: "--always" }
    : buildState(root);
  if (state.stale) {
    console.error(`building: ${state.reason}`);
    process.exitCode = build(root);
  } else {
    console.error(`build is up to date: ${state.reason}`);
  }
}
