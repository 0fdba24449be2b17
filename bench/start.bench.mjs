// `npm start` when nothing changed since the last build: from spawning it to the first answer of
// GET /healthz, against spawning the server directly (`node packages/cli/bin/promptline.js
// serve`) on the same data, measured in the same run, the two interleaved.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeOthers, percentile, round, withCpuAccounting, writeResult } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 3000;
const root = fileURLToPath(new URL("..", import.meta.url));
const commands = {
  npmStart: ["npm", ["start"]],
  directServe: [process.execPath, ["packages/cli/bin/promptline.js", "serve"]],
};

/** Process groups still running: killed when the bench process exits, whatever the reason. */
const groups = new Set();
process.on("exit", () => {
  for (const pid of groups) killGroup(pid, "SIGKILL");
});

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

const groupAlive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns `command` (in its own process group, so that npm and the server it starts stop
 * together), times it to the first 200 from /healthz, then stops the group and waits until every
 * process of it has exited. Resolves with the time and what the command printed.
 */
async function timeToHealthy([command, args], dataDir, timeoutMs) {
  const port = await freePort();
  const env = {
    ...process.env,
    PROMPTLINE_PORT: String(port),
    PROMPTLINE_DATA_DIR: dataDir,
    PROMPTLINE_LOG_LEVEL: "warn",
  };
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: "pipe" });
  groups.add(child.pid);
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  try {
    while (true) {
      if (child.exitCode !== null) {
        throw new Error(`${command} ${args.join(" ")} exited with ${child.exitCode}:\n${output}`);
      }
      if (performance.now() - t0 > timeoutMs) {
        throw new Error(`${command} ${args.join(" ")}: no /healthz after ${timeoutMs} ms`);
      }
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return { ms: performance.now() - t0, output };
      await sleep(10);
    }
  } finally {
    killGroup(child.pid, "SIGTERM");
    while (groupAlive(child.pid)) await sleep(20);
    groups.delete(child.pid);
  }
}

export async function benchStart() {
  const dataDir = mkdtempSync(join(os.tmpdir(), "promptline-bench-start-"));
  try {
    // The first start builds when the sources changed since the last build npm start recorded
    // (npm run bench's own build records none), and creates the database.
    const first = await timeToHealthy(commands.npmStart, dataDir, 600_000);
    const { result: times, cpu } = await withCpuAccounting({}, async () => {
      const times = { npmStart: [], directServe: [] };
      for (let i = 0; i < RUNS; i++) {
        for (const [name, command] of Object.entries(commands)) {
          const run = await timeToHealthy(command, dataDir, 60_000);
          if (name === "npmStart" && !run.output.includes("build is up to date")) {
            throw new Error(`npm start built again with no source changed:\n${run.output}`);
          }
          times[name].push(run.ms);
        }
      }
      return times;
    });
    const ms = Object.fromEntries(
      Object.entries(times).map(([name, t]) => {
        const sorted = [...t].sort((a, b) => a - b);
        return [name, { p50: round(percentile(sorted, 50), 0), max: round(sorted.at(-1), 0) }];
      }),
    );
    const result = {
      benchmark: "start",
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      runs: RUNS,
      firstStart: { ms: round(first.ms, 0), built: first.output.includes("building:") },
      secondStartMs: ms.npmStart,
      directServeMs: ms.directServe,
      ratioToDirectServe: round(ms.npmStart.p50 / ms.directServe.p50),
      target: `second npm start p50 < ${TARGET_MS} ms`,
      pass: ms.npmStart.p50 < TARGET_MS,
      cpu,
    };
    const file = writeResult("start", result);
    console.log(
      `start: spawn to the first 200 from /healthz, ${RUNS} runs each (${describeOthers(cpu)})`,
    );
    console.log(
      `  first npm start          ${result.firstStart.ms} ms (${result.firstStart.built ? "built first" : "nothing to build"})`,
    );
    console.log(
      `  promptline serve         p50 ${ms.directServe.p50} ms, max ${ms.directServe.max} ms`,
    );
    console.log(
      `  npm start, no changes    p50 ${ms.npmStart.p50} ms, max ${ms.npmStart.max} ms (×${result.ratioToDirectServe} of serve; target < ${TARGET_MS} ms)`,
    );
    console.log(`  ${result.pass ? "PASS" : "MISS"} — written to ${file}`);
    return result;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
