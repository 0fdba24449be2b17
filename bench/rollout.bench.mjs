// The rollout simulation. Part one, end to end over HTTP: a real server (SQLite) with its
// gateway in front of a local OpenAI-compatible upstream, 200 calls a second from 20,000
// simulated users, a 5 % canary guarded by error_rate<+2% and p95_latency<+300ms, the guardrail
// monitor at its default 10 s. Thirty seconds in, the candidate degrades — 30 % of its calls
// fail, or every one of them takes 800 ms longer — and the run measures the time until the
// monitor rolled it back and how many users the bad version served meanwhile (target: ≤ 60 s).
// Part two, in this process (rollout-sim.mjs): a hundred canaries of a healthy candidate, each
// driven through its steps by the monitor's own decision code on simulated traffic, counting
// those wrongly rolled back (target ≤ 5 %), and degraded ones, for the spread of detection times.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addLocalProvider,
  adminApi,
  percentile,
  round,
  startProcess,
  writeResult,
} from "./lib.mjs";
import { SIM, simulateRun } from "./rollout-sim.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const RATE = 200;
const USERS = 20_000;
const HEALTHY_SECONDS = 30;
const GIVE_UP_SECONDS = 120;
const MONITOR_INTERVAL_MS = 10_000;
const RUNS = Number(process.env.BENCH_ROLLOUT_RUNS ?? 100);
const DEGRADED_RUNS = Math.max(1, Math.round(RUNS / 2));
const GUARDRAILS = ["error_rate<+2%", "p95_latency<+300ms"];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function seed(api, name) {
  const path = `/api/v1/prompts/${encodeURIComponent(name)}`;
  await api("POST", "/api/v1/prompts", { name, type: "chat" });
  for (const system of [
    "You are a refund agent for Acme.",
    "You are a refund agent for Acme. [candidate] Answer in one sentence.",
  ]) {
    await api("POST", `${path}/versions`, {
      commitMessage: "bench",
      content: {
        type: "chat",
        messages: [{ role: "system", content: system }],
        config: { provider: "local", model: "gpt-4o-mini" },
      },
    });
  }
  await api("POST", `${path}/deployments`, { environment: "production", version: 1 });
  return path;
}

/**
 * Paced open-loop traffic through the gateway until `stop()` resolves: each call from a user
 * drawn at random. Counts answers by status and times them.
 */
function simulatedUsers(url, name) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const tally = { sent: 0, ok: 0, failed: 0, statuses: {}, latencies: [] };
  let running = true;
  const pending = new Set();
  const call = () => {
    const user = `user-${Math.floor(Math.random() * USERS)}`;
    const body = JSON.stringify({
      model: `prompt:${name}`,
      messages: [{ role: "user", content: "I was charged twice. Can you refund one?" }],
      user,
    });
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            tally[res.statusCode === 200 ? "ok" : "failed"] += 1;
            tally.statuses[res.statusCode] = (tally.statuses[res.statusCode] ?? 0) + 1;
            tally.latencies.push(performance.now() - t0);
            resolve();
          });
        },
      );
      req.on("error", (error) => {
        tally.failed += 1;
        tally.statuses[error.code] = (tally.statuses[error.code] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
    pending.add(done);
    done.then(() => pending.delete(done));
  };
  const started = performance.now();
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 1) await sleep(wait);
      tally.sent += 1;
      call();
    }
  })();
  return {
    tally,
    async stop() {
      running = false;
      await loop;
      await Promise.all(pending);
      agent.destroy();
      const seconds = (performance.now() - started) / 1000;
      const sorted = tally.latencies.sort((a, b) => a - b);
      return {
        sent: tally.sent,
        ok: tally.ok,
        failed: tally.failed,
        statuses: tally.statuses,
        requestsPerSecond: round(tally.sent / seconds),
        latencyMs: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) },
      };
    },
  };
}

/** One degradation over HTTP: the canary's start, the degradation, the automatic rollback. */
async function runScenario(server, upstream, mode) {
  const api = (method, path, body) => adminApi(server.url, ADMIN_KEY, method, path, body);
  await adminApi(upstream.url, "", "POST", "/mode", { mode: "healthy" });
  const name = `bench/rollout-${mode}`;
  const path = await seed(api, name);
  const rollout = await api("POST", `${path}/rollouts`, {
    environment: "production",
    strategy: "canary",
    candidates: [{ version: 2 }],
    canary: [
      { weight: 500, holdMinutes: 60 },
      { weight: 10000, holdMinutes: 0 },
    ],
    guardrails: [
      { metric: "error_rate", worseWhen: "higher", tolerance: 0.02 },
      { metric: "p95_latency", worseWhen: "higher", tolerance: 300 },
    ],
    onBreach: "rollback",
    minSamples: 100,
    reason: "bench",
  });
  const users = simulatedUsers(`${server.url}/v1/chat/completions`, name);
  await sleep(HEALTHY_SECONDS * 1000);
  const { since: degradedAt } = await adminApi(upstream.url, "", "POST", "/mode", { mode });
  let detail;
  for (;;) {
    detail = await api("GET", `${path}/rollouts/${rollout.id}`);
    if (detail.status !== "running" || Date.now() - degradedAt > GIVE_UP_SECONDS * 1000) break;
    await sleep(250);
  }
  // A few seconds more: calls still assigned to the candidate after the rollback would show.
  await sleep(5000);
  const traffic = await users.stop();
  const served = await adminApi(upstream.url, "", "GET", "/stats");
  const decision = detail.decisions.at(-1);
  const rolledBackAt = detail.endedAt ? Date.parse(detail.endedAt) : null;
  return {
    mode,
    degradation:
      mode === "fail" ? "30 % of the candidate's calls fail" : "every candidate call +800 ms",
    status: detail.status,
    secondsToRollback: rolledBackAt === null ? null : round((rolledBackAt - degradedAt) / 1000),
    lastCandidateCallAfterSeconds:
      served.lastCandidateAt === null ? null : round((served.lastCandidateAt - degradedAt) / 1000),
    usersExposed: served.candidateUsers,
    candidateCallsWhileDegraded: served.candidateCalls,
    controlCallsMeanwhile: served.controlCalls,
    decision: decision && {
      action: decision.action,
      actor: decision.actor,
      reason: decision.reason,
      checks: decision.checks.map((c) => ({
        metric: c.metric,
        state: c.state,
        control: { n: c.control.n, mean: round(c.control.mean, 4) },
        candidate: { n: c.candidate.n, mean: round(c.candidate.mean, 4) },
        difference: round(c.difference, 4),
        interval: [round(c.low, 4), round(c.high, 4)],
        pValue: c.pValue,
      })),
    },
    traffic,
  };
}

async function httpRuns() {
  const dataDir = mkdtempSync(join(tmpdir(), "promptline-bench-rollout-"));
  const started = [];
  try {
    const upstream = await startProcess("./servers/rollout-upstream.mjs");
    started.push(upstream);
    const server = await startProcess("./servers/promptline.mjs", {
      BENCH_ADMIN_KEY: ADMIN_KEY,
      BENCH_DATA_DIR: dataDir,
      PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS: String(MONITOR_INTERVAL_MS),
    });
    started.push(server);
    await addLocalProvider(
      (method, path, body) => adminApi(server.url, ADMIN_KEY, method, path, body),
      upstream.url,
    );
    const fail = await runScenario(server, upstream, "fail");
    const slow = await runScenario(server, upstream, "slow");
    return [fail, slow];
  } finally {
    for (const child of started.reverse()) await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function spread(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
}

async function simulatedRuns() {
  const t0 = performance.now();
  const healthy = [];
  for (let seed = 1; seed <= RUNS; seed++) {
    healthy.push(await simulateRun({ seed, maxSeconds: 1800 }));
  }
  const degraded = {};
  for (const mode of ["fail", "slow"]) {
    degraded[mode] = [];
    for (let i = 0; i < DEGRADED_RUNS; i++) {
      // Degraded at a moment of the first (5 %) step, 60 to 150 s in.
      const degradeAtSeconds = 60 + ((i * 37) % 91);
      const run = await simulateRun({
        seed: 10_000 + i,
        degrade: mode,
        degradeAtSeconds,
        maxSeconds: 1800,
      });
      degraded[mode].push({ ...run, detectedAfterSeconds: run.atSeconds - degradeAtSeconds });
    }
  }
  const count = (runs, outcome) => runs.filter((r) => r.outcome === outcome).length;
  const summary = (runs) => ({
    runs: runs.length,
    rolledBack: count(runs, "rollback"),
    detectedAfterSeconds: spread(
      runs.filter((r) => r.outcome === "rollback").map((r) => r.detectedAfterSeconds),
    ),
    candidateCallsWhileDegraded: spread(runs.map((r) => r.degradedCalls)),
  });
  return {
    how: "in-process: the monitor's assessRollout (SQL measures on SQLite, verdicts, decideCanary) on simulated traffic in simulated time; the simulation applies advances itself",
    traffic: `${SIM.rate} calls/s, ${SIM.errorRate * 100} % errors and log-normal latency (median ${SIM.latency.median} ms) in both arms`,
    plan: SIM.plan,
    lookEverySeconds: SIM.lookSeconds,
    healthy: {
      runs: healthy.length,
      wronglyRolledBack: count(healthy, "rollback"),
      wronglyPaused: count(healthy, "pause"),
      promoted: count(healthy, "promote"),
      stillRunning: count(healthy, "running"),
      wrongRate: round(count(healthy, "rollback") / healthy.length, 4),
      falseReasons: healthy.filter((r) => r.outcome === "rollback").map((r) => r.reason),
      target: "wrongRate <= 0.05",
    },
    degraded: { fail: summary(degraded.fail), slow: summary(degraded.slow) },
    wallSeconds: round((performance.now() - t0) / 1000),
  };
}

export async function benchRollout() {
  const scenarios = await httpRuns();
  const simulation = await simulatedRuns();
  const pass =
    scenarios.every(
      (s) =>
        s.status === "rolled_back" && s.secondsToRollback !== null && s.secondsToRollback <= 60,
    ) && simulation.healthy.wrongRate <= 0.05;
  const result = {
    benchmark: "rollout",
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      load: os.loadavg().map((l) => round(l)),
      note: "load generator, upstream and server share the cores",
    },
    http: {
      how: `a real server (SQLite) and its gateway, ${RATE} calls/s from ${USERS} users, a 5 % canary guarded by ${GUARDRAILS.join(" and ")}, monitor every ${MONITOR_INTERVAL_MS / 1000} s; degraded ${HEALTHY_SECONDS} s in`,
      scenarios,
      target: "secondsToRollback <= 60",
    },
    simulation,
    pass,
  };
  const file = writeResult("rollout", result);
  console.log(`rollout: ${os.cpus().length} cores shared by load, upstream and server`);
  for (const s of scenarios) {
    console.log(
      `  ${s.mode.padEnd(5)} (${s.degradation}): ${s.status} ${s.secondsToRollback ?? "—"} s after the degradation (target ≤ 60 s); ${s.usersExposed} users (${s.candidateCallsWhileDegraded} calls) served the bad version; last candidate call ${s.lastCandidateCallAfterSeconds ?? "—"} s after; ${s.traffic.requestsPerSecond} req/s sent`,
    );
    if (s.decision) console.log(`        ${s.decision.actor}: ${s.decision.reason}`);
  }
  const h = simulation.healthy;
  console.log(
    `  healthy × ${h.runs} (simulated, monitor's decision code): ${h.wronglyRolledBack} wrongly rolled back (${round(h.wrongRate * 100)} %, target ≤ 5 %), ${h.wronglyPaused} paused, ${h.promoted} promoted, ${h.stillRunning} still running`,
  );
  for (const mode of ["fail", "slow"]) {
    const d = simulation.degraded[mode];
    console.log(
      `  ${mode} × ${d.runs} (simulated): ${d.rolledBack} rolled back, detected after p50 ${d.detectedAfterSeconds?.p50} s, p95 ${d.detectedAfterSeconds?.p95} s, max ${d.detectedAfterSeconds?.max} s (looks every ${simulation.lookEverySeconds} s)`,
    );
  }
  console.log(`  ${pass ? "PASS" : "MISS"} — written to ${file}`);
  return result;
}
