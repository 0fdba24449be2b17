// Builds the workspace (npm run build) only when its sources changed since the last build this
// script ran: `npm start` runs it first, so a second start does not spend half a minute on tsc
// and vite. --always builds whatever the state (npm install's prepare does).
//   node scripts/build-if-stale.mjs [--always]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Where the last successful build's start time is kept (ignored by git with node_modules). */
export const STAMP = "node_modules/.cache/promptline/build-stamp.json";

/** Files of the repository root and of each package (besides src/) that change a build's output. */
const ROOT_INPUTS = ["package.json", "package-lock.json", "tsconfig.base.json"];
const PACKAGE_INPUTS = /^(package\.json|tsconfig.*\.json|index\.html|vite\.config\.ts)$/;
/** Tests are excluded from every package's build (see packages/*\/tsconfig.json). */
const TEST_FILE = /\.test\.tsx?$/;

/** The newest input under `root`: a source file, or a folder (a file deleted or renamed in it). */
export function newestInput(root) {
  let newest = { path: "", mtimeMs: 0 };
  const consider = (path) => {
    const { mtimeMs } = statSync(path);
    if (mtimeMs > newest.mtimeMs) newest = { path: relative(root, path), mtimeMs };
  };
  const walk = (dir) => {
    consider(dir);
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
  return newest;
}

/** Every package with sources: packages/<name>/src. */
function packageDirs(root) {
  const packages = join(root, "packages");
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packages, entry.name, "src")))
    .map((entry) => join(packages, entry.name));
}

/** Packages whose build output (dist/) is missing. */
export function missingOutputs(root) {
  return packageDirs(root)
    .filter((pkg) => !existsSync(join(pkg, "dist")))
    .map((pkg) => relative(root, join(pkg, "dist")));
}

/**
 * Whether `root` needs a build, and why: it does when no build has been stamped, when an output is
 * missing, or when an input changed after the stamped build started.
 */
export function buildState(root) {
  const stampPath = join(root, STAMP);
  if (!existsSync(stampPath)) return { stale: true, reason: "no build recorded yet" };
  const missing = missingOutputs(root);
  if (missing.length > 0) return { stale: true, reason: `${missing.join(", ")} missing` };
  const { startedAtMs } = JSON.parse(readFileSync(stampPath, "utf8"));
  const newest = newestInput(root);
  if (newest.mtimeMs >= startedAtMs) {
    return { stale: true, reason: `${newest.path} changed since the last build` };
  }
  return { stale: false, reason: "sources unchanged since the last build" };
}

/** Runs `npm run build` in `root`; records when it started once it has succeeded. */
export function build(root) {
  // The start, not the end: a source saved while the build runs makes the next start rebuild.
  const startedAtMs = Date.now();
  const run = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) return run.status ?? 1;
  mkdirSync(join(root, STAMP, ".."), { recursive: true });
  writeFileSync(join(root, STAMP), `${JSON.stringify({ startedAtMs })}\n`);
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
