// Rollback propagation: how long until every subscribed SDK client serves the rolled-back
// version. 1,000 clients in 4 processes; the baseline, measured in the same run, is one client
// alone. SQLite with one server; PostgreSQL with two (rollback sent to A, clients on B). Then the
// same for a rollout's changes: how long until every client assigns a caller the new way after
// a canary advances (five steps) or is aborted.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bucketOf } from "../packages/core/dist/rollout/assign.js";
import { callWorker, forkWorker, percentile, round, startProcess, writeResult } from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const NAME = "support/refund-agent";
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const PROCESSES = 4;
const ROUNDS = 5;
const now = () => performance.timeOrigin + performance.now();

/** Canary steps in basis points: five advances, each widening by a known range of buckets. */
const CANARY_STEPS = [100, 1000, 2000, 3000, 4000, 5000, 10000];

async function api(url, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function seed(url) {
  const path = `/api/v1/prompts/${encodeURIComponent(NAME)}`;
  await api(url, "POST", "/api/v1/prompts", { name: NAME, type: "text" });
  for (const text of ["v1 {{q}}", "v2 {{q}}"]) {
    await api(url, "POST", `${path}/versions`, {
      commitMessage: text,
      content: { type: "text", text },
    });
  }
  await api(url, "POST", `${path}/deployments`, { environment: "production", version: 1 });
}

/** Starts `total` clients over `processes` workers against `clientUrl`. */
async function startClients(clientUrl, total, processes) {
  const workers = Array.from({ length: processes }, () => forkWorker("./workers/clients.mjs"));
  const share = Math.ceil(total / processes);
  await Promise.all(
    workers.map((w, i) =>
      callWorker(
        w,
        {
          clients: Math.min(share, total - i * share),
          baseUrl: clientUrl,
          apiKey: ADMIN_KEY,
          name: NAME,
        },
        "ready",
      ),
    ),
  );
  return workers;
}

/** Closes every client (ending its change-feed connection) and waits for the processes to exit. */
function stopClients(workers) {
  return Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          w.once("exit", resolve);
          w.send({ close: true });
        }),
    ),
  );
}

/** Which version production serves now, per server set-up (seeded at 1). */
let production = 1;

/** Moves production to the other version through `apiUrl`; returns each client's delay in ms. */
async function measureMove(workers, apiUrl) {
  const version = production === 1 ? 2 : 1;
  production = version;
  const path = `/api/v1/prompts/${encodeURIComponent(NAME)}/deployments`;
  const watching = workers.map((w) => callWorker(w, { watch: true, name: NAME, version }, "seen"));
  await new Promise((r) => setTimeout(r, 50));
  const start = now();
  await api(apiUrl, "POST", path, { environment: "production", version, reason: "bench" });
  const seen = (await Promise.all(watching)).flatMap((m) => m.seen);
  const missing = seen.filter((t) => t === 0).length;
  if (missing > 0) throw new Error(`${missing} clients never saw version ${version}`);
  return seen.map((t) => t - start);
}

/** A caller whose bucket under `salt` lies in [low, high): one an advance to `high` moves. */
function callerIn(salt, low, high) {
  for (let n = 0; ; n++) {
    const bucket = bucketOf(salt, `user-${n}`);
    if (bucket >= low && bucket < high) return { userId: `user-${n}` };
  }
}

/** Times until every client serves `version` to `context` after `change()`; ms per client. */
async function measureChange(workers, change, version, context) {
  const watching = workers.map((w) =>
    callWorker(w, { watch: true, name: NAME, version, context }, "seen"),
  );
  await new Promise((r) => setTimeout(r, 50));
  const start = now();
  await change();
  const seen = (await Promise.all(watching)).flatMap((m) => m.seen);
  const missing = seen.filter((t) => t === 0).length;
  if (missing > 0) throw new Error(`${missing} clients never served v${version} to ${context}`);
  return seen.map((t) => t - start);
}

/**
 * A canary on what production serves: once every client holds it (and the candidate), each
 * advance is timed by a caller it moves to the candidate, and the abort by one it moves back.
 */
async function measureRollout(workers, apiUrl) {
  const control = production;
  const candidate = control === 1 ? 2 : 1;
  const path = `/api/v1/prompts/${encodeURIComponent(NAME)}/rollouts`;
  const rollout = await api(apiUrl, "POST", path, {
    environment: "production",
    strategy: "canary",
    candidates: [{ version: candidate }],
    canary: CANARY_STEPS.map((weight) => ({ weight, holdMinutes: 30 })),
  });
  await Promise.all(
    workers.map((w) =>
      callWorker(
        w,
        { settle: true, name: NAME, rolloutId: rollout.id, version: candidate },
        "settled",
      ),
    ),
  );
  const act = (action) => () =>
    api(apiUrl, "POST", `${path}/${rollout.id}/${action}`, { reason: "bench" });
  const delays = [];
  for (let step = 1; step < CANARY_STEPS.length - 1; step++) {
    const caller = callerIn(rollout.salt, CANARY_STEPS[step - 1], CANARY_STEPS[step]);
    delays.push(...(await measureChange(workers, act("advance"), candidate, caller)));
  }
  const exposed = callerIn(rollout.salt, 0, CANARY_STEPS[0]);
  delays.push(...(await measureChange(workers, act("abort"), control, exposed)));
  return delays.sort((a, b) => a - b);
}

async function scenario(label, apiUrl, clientUrl) {
  const single = await startClients(clientUrl, 1, 1);
  const singleDelays = [];
  try {
    for (let round = 0; round < ROUNDS; round++)
      singleDelays.push(...(await measureMove(single, apiUrl)));
  } finally {
    await stopClients(single);
  }
  const workers = await startClients(clientUrl, CLIENTS, PROCESSES);
  const delays = [];
  let rolloutDelays;
  try {
    for (let round = 0; round < ROUNDS; round++)
      delays.push(...(await measureMove(workers, apiUrl)));
    rolloutDelays = await measureRollout(workers, apiUrl);
  } finally {
    await stopClients(workers);
  }
  delays.sort((a, b) => a - b);
  singleDelays.sort((a, b) => a - b);
  return {
    scenario: label,
    clients: CLIENTS,
    rounds: ROUNDS,
    baselineOneClientMs: {
      p50: round(percentile(singleDelays, 50)),
      max: round(singleDelays.at(-1)),
    },
    allClientsMs: {
      p50: round(percentile(delays, 50)),
      p99: round(percentile(delays, 99)),
      max: round(delays.at(-1)),
    },
    p99VsOneClient: round(percentile(delays, 99) / Math.max(percentile(singleDelays, 50), 0.001)),
    rolloutChanges: {
      changes: "5 canary advances and an abort",
      allClientsMs: {
        p50: round(percentile(rolloutDelays, 50)),
        p99: round(percentile(rolloutDelays, 99)),
        max: round(rolloutDelays.at(-1)),
      },
    },
  };
}

export async function benchPropagation() {
  const results = [];
  const sqlite = await startProcess("./servers/promptline.mjs", { BENCH_ADMIN_KEY: ADMIN_KEY });
  try {
    production = 1;
    await seed(sqlite.url);
    const r = await scenario("sqlite, one server", sqlite.url, sqlite.url);
    r.target = "p99 <= 250 ms, max <= 1000 ms, for moves and for rollout changes alike";
    r.pass = [r.allClientsMs, r.rolloutChanges.allClientsMs].every(
      (ms) => ms.p99 <= 250 && ms.max <= 1000,
    );
    results.push(r);
  } finally {
    await sqlite.stop();
  }

  const dir = mkdtempSync(join(tmpdir(), "promptline-bench-pg-"));
  chmodSync(dir, 0o755);
  const sandbox = fileURLToPath(new URL("../scripts/pg-sandbox.sh", import.meta.url));
  let pgUrl;
  try {
    pgUrl = execFileSync("bash", [sandbox, "start", join(dir, "cluster")], {
      encoding: "utf8",
    }).trim();
  } catch {
    console.log("propagation: PostgreSQL not available here; the two-instance scenario is skipped");
  }
  if (pgUrl) {
    try {
      const env = { BENCH_ADMIN_KEY: ADMIN_KEY, BENCH_DATABASE_URL: pgUrl };
      const a = await startProcess("./servers/promptline.mjs", env);
      const b = await startProcess("./servers/promptline.mjs", env);
      try {
        production = 1;
        await seed(a.url);
        const r = await scenario("postgresql, rollback via A, clients on B", a.url, b.url);
        r.target = "p99 <= 500 ms, for moves and for rollout changes alike";
        r.pass = r.allClientsMs.p99 <= 500 && r.rolloutChanges.allClientsMs.p99 <= 500;
        results.push(r);
      } finally {
        await a.stop();
        await b.stop();
      }
    } finally {
      execFileSync("bash", [sandbox, "stop", join(dir, "cluster")]);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const file = writeResult("propagation", {
    benchmark: "propagation",
    date: new Date().toISOString(),
    results,
  });
  for (const r of results) {
    console.log(
      `propagation (${r.scenario}): ${r.clients} clients × ${r.rounds} moves — p50 ${r.allClientsMs.p50} ms, p99 ${r.allClientsMs.p99} ms, max ${r.allClientsMs.max} ms; one client alone p50 ${r.baselineOneClientMs.p50} ms (p99 ×${r.p99VsOneClient}); ${r.rolloutChanges.changes}: p50 ${r.rolloutChanges.allClientsMs.p50} ms, p99 ${r.rolloutChanges.allClientsMs.p99} ms, max ${r.rolloutChanges.allClientsMs.max} ms; target ${r.target}: ${r.pass ? "PASS" : "MISS"}`,
    );
  }
  console.log(`  written to ${file}`);
  return results;
}
