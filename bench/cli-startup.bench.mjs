// CLI start-up: `promptline --help` and `promptline list --help` (commands that do not serve)
// from spawn to exit, against bare node start-up (`node -e ""`) measured in the same run, the
// three interleaved so that whatever else the machine does weighs on each alike.
import { execFileSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { describeOthers, percentile, round, withCpuAccounting, writeResult } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_MS = 300;
const cli = fileURLToPath(new URL("../packages/cli/bin/promptline.js", import.meta.url));
const commands = {
  bareNode: ["-e", ""],
  help: [cli, "--help"],
  listHelp: [cli, "list", "--help"],
};

function timeRun(args) {
  const t0 = performance.now();
  execFileSync(process.execPath, args, { stdio: "ignore" });
  return performance.now() - t0;
}

const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50), 1),
    p90: round(percentile(sorted, 90), 1),
    min: round(sorted[0], 1),
  };
};

export async function benchCliStartup() {
  // One run each first: the files are in the page cache for every measured run.
  for (const args of Object.values(commands)) timeRun(args);
  const { result: times, cpu } = await withCpuAccounting({}, async () => {
    const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, args] of Object.entries(commands)) times[name].push(timeRun(args));
    }
    return times;
  });
  const ms = Object.fromEntries(Object.entries(times).map(([name, t]) => [name, summary(t)]));
  const ratio = (name) => round(ms[name].p50 / ms.bareNode.p50);
  const result = {
    benchmark: "cli-startup",
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    runs: RUNS,
    ms,
    ratioToBareNode: { help: ratio("help"), listHelp: ratio("listHelp") },
    target: `p50 < ${TARGET_MS} ms`,
    pass: ms.help.p50 < TARGET_MS && ms.listHelp.p50 < TARGET_MS,
    cpu,
  };
  const file = writeResult("cli-startup", result);
  console.log(`cli-startup: ${RUNS} runs each, spawn to exit (${describeOthers(cpu)})`);
  console.log(`  node -e ""                p50 ${ms.bareNode.p50} ms, p90 ${ms.bareNode.p90} ms`);
  for (const [name, label] of [
    ["help", "promptline --help"],
    ["listHelp", "promptline list --help"],
  ]) {
    console.log(
      `  ${label.padEnd(25)} p50 ${ms[name].p50} ms, p90 ${ms[name].p90} ms (×${ratio(name)} of bare node; target < ${TARGET_MS} ms)`,
    );
  }
  console.log(`  ${result.pass ? "PASS" : "MISS"} — written to ${file}`);
  return result;
}
