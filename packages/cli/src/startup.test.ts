import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../bin/promptline.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "promptline-startup-"));

// A module loader hook that writes down every module the process loads, one URL a line.
writeFileSync(
  join(dir, "hooks.mjs"),
  `import { appendFileSync } from "node:fs";
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.PROMPTLINE_LOADED_LOG, url + "\\n");
  return nextLoad(url, context);
}
`,
);
writeFileSync(
  join(dir, "register.mjs"),
  `import { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));
`,
);

/** Runs the built CLI and returns its exit code and the URL of every module it loaded. */
function modulesLoadedBy(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(new URL("../dist/main.js", import.meta.url)))
    throw new Error("packages/cli/dist is missing: run 'npm run build' (npm test does)");
  const log = join(dir, `${args.join("-")}.log`);
  const run = spawnSync(
    process.execPath,
    ["--import", pathToFileURL(join(dir, "register.mjs")).href, main, ...args],
    { env: { ...process.env, ...env, PROMPTLINE_LOADED_LOG: log }, encoding: "utf8" },
  );
  return { code: run.status, loaded: readFileSync(log, "utf8").trim().split("\n") };
}

const SERVER = /\/(packages\/server|@promptline\/server)\//;
const SERVER_OR_DRIVERS = /\/(packages\/server|@promptline\/server|better-sqlite3|pg|kysely)\//;
// What only a command's action needs: schemas, templates, the YAML parser.
const ACTION_ONLY = /\/(packages\/core|@promptline\/core|zod|yaml|mustache)\//;

describe("CLI startup (the built binary)", () => {
  it.each(["--help", "list --help", "eval --help", "rollout start --help"])(
    "'promptline %s' starts without the server, its database drivers, zod or the YAML parser",
    (command) => {
      const run = modulesLoadedBy(command.split(" "));
      expect(run.code).toBe(0);
      expect(run.loaded).toContainEqual(
        expect.stringMatching(/\/packages\/cli\/dist\/program\.js$/),
      );
      expect(run.loaded.filter((url) => SERVER_OR_DRIVERS.test(url))).toEqual([]);
      expect(run.loaded.filter((url) => ACTION_ONLY.test(url))).toEqual([]);
    },
  );

  it("'promptline serve' loads the server when it runs", () => {
    const run = modulesLoadedBy(["serve"], { PROMPTLINE_PORT: "eighty" });
    expect(run.code).toBe(2);
    expect(run.loaded).toContainEqual(expect.stringMatching(SERVER));
  });
});
