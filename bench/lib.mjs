import { execFileSync, fork, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

/** Children still running: killed when the bench process exits, whatever the reason. */
const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/**
 * Starts a server script in its own process and resolves with the URL it prints. `nodeArgs` go
 * before the script (e.g. --cpu-prof); `pid` is there to read the child's /proc figures.
 */
export function startProcess(script, env = {}, { nodeArgs = [] } = {}) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, fileURLToPath(new URL(script, import.meta.url))],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.add(child);
  child.once("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.once("data", (chunk) => {
      resolve({
        url: chunk.toString().trim(),
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", done);
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

/** Forks a load worker (a script under bench/) with an IPC channel; killed when the bench exits. */
export function forkWorker(script) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), { stdio: "inherit" });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Sends a worker `message` and resolves with its first answer that has a `reply` field. */
export function callWorker(worker, message, reply) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (reply in m) {
        worker.off("message", onMessage);
        resolve(m);
      }
    };
    worker.on("message", onMessage);
    worker.send(message);
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

/** Nanoseconds per call of `fn(calls)`, best of 5 runs (the least disturbed by the shared machine). */
export async function nsPerCall(fn, calls) {
  return (await nsPerCallEach({ fn }, calls)).fn;
}

/**
 * Nanoseconds per call of each of `fns` (name → fn(calls)), best of `runs` runs taken in turns,
 * so that a busy spell on the shared machine weighs on all of them rather than on one.
 */
export async function nsPerCallEach(fns, calls, runs = 5) {
  const best = Object.fromEntries(Object.keys(fns).map((name) => [name, Number.POSITIVE_INFINITY]));
  for (let run = 0; run < runs; run++) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = process.hrtime.bigint();
      await fn(calls);
      best[name] = Math.min(best[name], Number(process.hrtime.bigint() - start) / calls);
    }
  }
  return best;
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Latency at a fixed request rate (open loop: requests start on schedule whether or not earlier
 * ones finished), timed with hrtime to the microsecond. Loopback only, bounded by `seconds`.
 * GET by default; pass `method` and `body` (a string or Buffer) to time POSTs.
 */
export async function pacedLatency(
  url,
  headers,
  { rate, seconds, warmupSeconds = 1, method = "GET", body },
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const warmup = rate * warmupSeconds;
  const total = warmup + rate * seconds;
  const latencies = [];
  let failures = 0;
  const start = process.hrtime.bigint();
  const one = (i) =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request(url, { method, agent, headers }, (res) => {
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
      req.end(body);
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

/** One admin API call; throws on an error answer, resolves with the JSON body (or null). */
export async function adminApi(url, key, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The server's /metrics text (Prometheus format), read with an admin key. */
/** The provider connection "local" to a bench upstream (OpenAI-compatible, on loopback). */
export function addLocalProvider(api, upstreamUrl) {
  return api("POST", "/api/v1/providers", {
    name: "local",
    kind: "openai",
    baseUrl: `${upstreamUrl}/v1`,
    apiKey: "sk-bench",
    maxRetries: 0,
    timeoutMs: 10_000,
  });
}

export async function readMetrics(url, key) {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`GET /metrics: ${response.status} ${await response.text()}`);
  return response.text();
}

/** Sum of a metric's samples whose labels include `labels` (0 when none has been counted). */
export function metricValue(text, name, labels = {}) {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== " " && line[name.length] !== "{")) {
      continue;
    }
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/**
 * Node flags that profile a server child when BENCH_PROFILE names a directory: one
 * .cpuprofile per process lands in DIR/<label>/ on exit (see bench/profile-summary.mjs).
 */
export function profilingArgs(label) {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return [];
  const path = `${dir.replace(/\/+$/, "")}/${label}`;
  mkdirSync(path, { recursive: true });
  return ["--cpu-prof", `--cpu-prof-dir=${path}`];
}

/** A process and its direct children (e.g. PostgreSQL's postmaster and its backends). */
export function processTree(pid) {
  const pids = [pid];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid)
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * A throwaway PostgreSQL cluster in DIR/cluster (scripts/pg-sandbox.sh): its URL, its processes
 * (for CPU accounting) and a stop; undefined where PostgreSQL is not installed.
 */
export function startPostgres(dir) {
  const sandbox = fileURLToPath(new URL("../scripts/pg-sandbox.sh", import.meta.url));
  chmodSync(dir, 0o755);
  try {
    const url = execFileSync("bash", [sandbox, "start", join(dir, "cluster")], {
      encoding: "utf8",
    }).trim();
    const postmaster = Number(
      readFileSync(join(dir, "cluster", "data", "postmaster.pid"), "utf8").split("\n")[0],
    );
    return {
      url,
      pids: () => processTree(postmaster),
      stop: () => execFileSync("bash", [sandbox, "stop", join(dir, "cluster")]),
    };
  } catch {
    return undefined;
  }
}

/** A memory figure of /proc/PID/status (VmHWM, VmRSS) in MB; null where /proc is missing. */
function statusMb(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** The peak resident memory of a process so far (VmHWM), in MB; null where /proc is missing. */
export const peakRssMb = (pid) => statusMb(pid, "VmHWM");

/** The resident memory of a process now (VmRSS), in MB; null where /proc is missing. */
export const rssMb = (pid) => statusMb(pid, "VmRSS");

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) a process — or the sum of several — has used so far; null where
 * /proc is missing.
 */
function processCpuSeconds(pid) {
  if (Array.isArray(pid)) {
    const each = pid.map(processCpuSeconds).filter((s) => s !== null);
    return each.length === 0 ? null : each.reduce((a, b) => a + b, 0);
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds() {
  try {
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq] = ticks.map(Number); // not idle, iowait, steal
    return (user + nice + system + irq + softirq) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds of every process on the machine now, with its command line's start. */
function allProcesses() {
  const table = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const seconds = processCpuSeconds(Number(entry));
    if (seconds === null) continue;
    let name = "";
    try {
      name = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      // Kernel threads have no command line: their name is in brackets, as ps shows it.
      name ||= `[${readFileSync(`/proc/${entry}/comm`, "utf8").trim()}]`;
    } catch {
      // gone meanwhile
    }
    table.set(Number(entry), { seconds, name: name.slice(0, 80) });
  }
  return table;
}

/**
 * Runs `fn` and reports where the machine's CPU went meanwhile: seconds used by each named
 * process or list of processes (this one included as `loadGenerator`), by everything else on
 * the machine, and the busiest of those others — other work on the cores skews every figure,
 * so a benchmark should say how much there was.
 */
export async function withCpuAccounting(pids, fn) {
  const named = { loadGenerator: process.pid, ...pids };
  const before = Object.fromEntries(
    Object.entries(named).map(([k, pid]) => [k, processCpuSeconds(pid)]),
  );
  const othersBefore = allProcesses();
  const machineBefore = machineBusySeconds();
  const t0 = performance.now();
  const result = await fn();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = {};
  for (const [k, pid] of Object.entries(named)) {
    const after = processCpuSeconds(pid);
    cpuSeconds[k] = after === null || before[k] === null ? null : round(after - before[k], 2);
  }
  const machine = machineBusySeconds();
  const ours = new Set(Object.values(named).flat());
  const busiestOthers = [...allProcesses()]
    .filter(([pid]) => !ours.has(pid))
    .map(([pid, { seconds, name }]) => ({
      pid,
      name,
      cpuSeconds: round(seconds - (othersBefore.get(pid)?.seconds ?? 0), 2),
    }))
    .filter((p) => p.cpuSeconds >= 0.2)
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds)
    .slice(0, 3);
  const oursSeconds = Object.values(cpuSeconds).reduce((a, b) => a + (b ?? 0), 0);
  return {
    result,
    cpu: {
      wallSeconds: round(wallSeconds, 2),
      ...cpuSeconds,
      otherProcesses:
        machine === null ? null : round(Math.max(0, machine - machineBefore - oursSeconds), 2),
      busiestOthers,
    },
  };
}

/** "other processes used 1.2 CPU-s (vitest … 1.0)": the interference a run saw, for its summary. */
export function describeOthers(cpu) {
  if (cpu.otherProcesses === null) return "other processes: unknown";
  const busiest = cpu.busiestOthers.map(
    (p) => `${p.name.length > 50 ? `${p.name.slice(0, 50)}…` : p.name} ${p.cpuSeconds}`,
  );
  return `other processes used ${cpu.otherProcesses} CPU-s in ${cpu.wallSeconds} s${busiest.length ? ` (${busiest.join("; ")})` : ""}`;
}

/**
 * A local OpenAI-compatible upstream and a promptline server on `dataDir` (profiled as `label`),
 * for the gateway's benches; both are pushed on `started`, for the caller to stop.
 */
export async function startUpstreamAndServer(label, { adminKey, dataDir, started }) {
  const upstream = await startProcess("./servers/upstream.mjs");
  started.push(upstream);
  const promptline = await startProcess(
    "./servers/promptline.mjs",
    { BENCH_ADMIN_KEY: adminKey, BENCH_DATA_DIR: dataDir },
    { nodeArgs: profilingArgs(label) },
  );
  started.push(promptline);
  return { upstream, promptline };
}
