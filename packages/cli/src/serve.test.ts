import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../bin/promptline.js", import.meta.url));

function start(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(new URL("../dist/main.js", import.meta.url)))
    throw new Error("packages/cli/dist is missing: run 'npm run build' (npm test does)");
  const child = spawn(process.execPath, [main, ...args], { env: { ...process.env, ...env } });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { child, exited, output: () => output };
}

describe("promptline serve (the built binary, as npm start runs it)", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
  });

  it("starts on the embedded database, prints the admin key once, and stops on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "promptline-serve-"));
    const run = start(["serve", "--port", "0", "--data-dir", dataDir, "--log-level", "silent"]);
    child = run.child;
    await expect.poll(run.output, { timeout: 15_000 }).toContain("shown only this once");
    const url = /listening on (http:\/\/\S+)/.exec(run.output())?.[1];
    const key = /\n {2}(pl_\S+)\n/.exec(run.output())?.[1];
    const response = await fetch(`${url}/api/v1/environments`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dataDir, "promptline.db"))).toBe(true);
  });

  it("refuses invalid configuration with a message naming the setting", async () => {
    const run = start(["serve"], { PROMPTLINE_PORT: "eighty" });
    child = run.child;
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("PROMPTLINE_PORT");
  });
});
