import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

/** Starts a server script in its own process and resolves with the URL it prints. */
export function startProcess(script, env = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.once("data", (chunk) => {
      resolve({
        url: chunk.toString().trim(),
        stop: () =>
          new Promise((done) => {
            child.once("exit", done);
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

/** Runs autocannon against one URL; bounded in time, loopback only. */
export async function load(url, headers, options) {
  const result = await autocannon({ url, headers, ...options });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors during the run`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    requests: result.requests.total,
  };
}

export function writeResult(name, data) {
  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${name}.json`;
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Latency at a fixed request rate (open loop: requests start on schedule whether or not earlier
 * ones finished), timed with hrtime to the microsecond. Loopback only, bounded by `seconds`.
 */
export async function pacedLatency(url, headers, { rate, seconds, warmupSeconds = 1 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const warmup = rate * warmupSeconds;
  const total = warmup + rate * seconds;
  const latencies = [];
  let failures = 0;
  const start = process.hrtime.bigint();
  const one = (i) =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.get(url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) failures++;
          // The first second opens connections and warms up: not part of the figure.
          if (i >= warmup) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          resolve();
        });
      });
      req.on("error", () => {
        failures++;
        resolve();
      });
    });
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = start + BigInt(Math.round((i * 1e9) / rate));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(i));
  }
  await Promise.all(pending);
  agent.destroy();
  if (failures > 0) throw new Error(`${url}: ${failures} failed requests at ${rate} req/s`);
  latencies.sort((a, b) => a - b);
  const ms = (x) => Math.round(x * 1000) / 1000;
  return {
    p50: ms(percentile(latencies, 50)),
    p99: ms(percentile(latencies, 99)),
    max: ms(latencies.at(-1)),
    requests: latencies.length,
  };
}
