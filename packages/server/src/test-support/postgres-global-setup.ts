import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

const sandbox = fileURLToPath(new URL("../../../../scripts/pg-sandbox.sh", import.meta.url));

/**
 * Every storage and API suite runs on SQLite and on a real PostgreSQL server: the one named by
 * PROMPTLINE_TEST_DATABASE_URL (as .ci/run starts it), or else a throwaway cluster started here.
 * PROMPTLINE_TEST_ENGINES=sqlite opts out of PostgreSQL explicitly, for machines without it.
 */
export default function setup(project: TestProject) {
  if (process.env.PROMPTLINE_TEST_ENGINES === "sqlite") {
    project.provide("postgresUrl", null);
    return;
  }
  const given = process.env.PROMPTLINE_TEST_DATABASE_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "promptline-pg-"));
  chmodSync(dir, 0o755);
  let url: string;
  try {
    url = execFileSync("bash", [sandbox, "start", join(dir, "cluster")], {
      encoding: "utf8",
    }).trim();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the tests need PostgreSQL: install it (apt-get install postgresql), set PROMPTLINE_TEST_DATABASE_URL, or run with PROMPTLINE_TEST_ENGINES=sqlite — ${(error as Error).message}`,
    );
  }
  project.provide("postgresUrl", url);
  return () => {
    execFileSync("bash", [sandbox, "stop", join(dir, "cluster")]);
    rmSync(dir, { recursive: true, force: true });
  };
}
