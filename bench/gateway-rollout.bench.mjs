// Gateway throughput with a running rollout against the same prompt without one, in the same run
// on the same server: POST /v1/chat/completions to a local upstream on loopback, each request from
// another user (a new unit) with the same context. With the rollout, every call is assigned (two
// targeting rules, one a regular expression run by RE2, then a 50/50 split) and traced with its
// variant. Each round measures both back to back, which one first alternating, so drift on a
// shared machine hits both alike; the figure is the median of the rounds' ratios (target ≥ 0.9).
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePattern } from "../packages/core/dist/evaluation/pattern.js";
import { assignVersion } from "../packages/core/dist/rollout/assign.js";
import {
  addLocalProvider,
  adminApi,
  describeOthers,
  load,
  round,
  startUpstreamAndServer,
  withCpuAccounting,
  writeResult,
} from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 64;
const PLAIN = "bench/plain";
const ROLLED = "bench/rolled-out";
const SYSTEM = "You are a refund agent for {{company}}. Be polite and precise.";
const QUESTION = "I was charged twice for order 1234 on Monday. Can you refund the second charge?";

const content = (tone) => ({
  type: "chat",
  messages: [{ role: "system", content: `${SYSTEM} ${tone}` }],
  variables: { company: { type: "string", default: "Acme" } },
  config: { provider: "local", model: "gpt-4o-mini", temperature: 0.2 },
});

async function seed(url, upstreamUrl) {
  const api = (method, path, body) => adminApi(url, ADMIN_KEY, method, path, body);
  await addLocalProvider(api, upstreamUrl);
  for (const name of [PLAIN, ROLLED]) {
    const path = `/api/v1/prompts/${encodeURIComponent(name)}`;
    await api("POST", "/api/v1/prompts", { name, type: "chat" });
    for (const tone of ["Be warm.", "Be brief."]) {
      await api("POST", `${path}/versions`, { commitMessage: tone, content: content(tone) });
    }
    await api("POST", `${path}/deployments`, { environment: "production", version: 1 });
  }
  return api("POST", `/api/v1/prompts/${encodeURIComponent(ROLLED)}/rollouts`, {
    environment: "production",
    strategy: "split",
    candidates: [{ version: 2, weight: 5000 }],
    rules: [
      {
        conditions: [{ attribute: "plan", op: "in", values: ["internal", "staff"] }],
        variants: [{ version: 2, weight: 10_000 }],
      },
      {
        conditions: [{ attribute: "email", op: "matches", pattern: "@example\\.com$" }],
        variants: [{ version: 1, weight: 10_000 }],
      },
    ],
    reason: "bench",
  });
}

/** Each request from the next user: the same context, another unit. */
function requests(name) {
  let user = 0;
  return [
    {
      method: "POST",
      setupRequest(request) {
        user++;
        request.body = JSON.stringify({
          model: `prompt:${name}`,
          messages: [{ role: "user", content: QUESTION }],
          promptline: {
            userId: `user-${user}`,
            context: { plan: "pro", region: "eu", email: `user-${user}@example.org` },
          },
        });
        return request;
      },
    },
  ];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * What assigning one call costs the server, in µs: the started rollout's assignment with RE2 for
 * its pattern, as the resolve service runs it, for 200,000 users — a figure machine noise hardly
 * moves, to read the throughput ratio against.
 */
function assignmentMicros(rollout) {
  const re2 = (pattern, text) => {
    const compiled = compilePattern(pattern, "", "the pattern");
    return "test" in compiled && compiled.test(text);
  };
  const context = (u) => ({
    userId: `user-${u}`,
    plan: "pro",
    region: "eu",
    email: `user-${u}@example.org`,
  });
  for (let u = 0; u < 20_000; u++) assignVersion(rollout, context(u), re2);
  const calls = 200_000;
  const t0 = process.hrtime.bigint();
  for (let u = 0; u < calls; u++) assignVersion(rollout, context(u), re2);
  return Number(process.hrtime.bigint() - t0) / 1e3 / calls;
}

/** How the rollout's calls were served, from their traces (the newest page of them). */
async function variantsServed(url) {
  const page = await adminApi(
    url,
    ADMIN_KEY,
    "GET",
    `/api/v1/traces?prompt=${encodeURIComponent(ROLLED)}&limit=500`,
  );
  const counts = {};
  for (const t of page.items) {
    const key = `v${t.prompt?.version} ${t.variant ?? "none"}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export async function benchGatewayRollout() {
  const started = [];
  const dataDir = mkdtempSync(join(tmpdir(), "promptline-bench-gateway-rollout-"));
  try {
    const { upstream, promptline } = await startUpstreamAndServer("gateway-rollout", {
      adminKey: ADMIN_KEY,
      dataDir,
      started,
    });
    const rollout = await seed(promptline.url, upstream.url);

    const url = `${promptline.url}/v1/chat/completions`;
    const headers = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };
    /** One run: requests per second, and the server's CPU per request (µs), which other processes disturb less. */
    const run = async (name, duration) => {
      const { result, cpu } = await withCpuAccounting({ server: promptline.pid }, () =>
        load(url, headers, {
          connections: CONNECTIONS,
          pipelining: 1,
          duration,
          requests: requests(name),
        }),
      );
      return {
        requestsPerSecond: result.requestsPerSecond,
        serverCpuMicros: cpu.server === null ? null : (cpu.server * 1e6) / result.requests,
        otherCores: cpu.otherProcesses === null ? null : cpu.otherProcesses / cpu.wallSeconds,
        others: describeOthers(cpu),
      };
    };
    // Warm both paths (JIT, connection pools, the resolve cache), then alternate.
    await run(PLAIN, 3);
    await run(ROLLED, 3);
    const plain = [];
    const rolled = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        plain.push(await run(PLAIN, DURATION));
        rolled.push(await run(ROLLED, DURATION));
      } else {
        rolled.push(await run(ROLLED, DURATION));
        plain.push(await run(PLAIN, DURATION));
      }
    }
    const ratios = rolled.map((r, i) => r.requestsPerSecond / plain[i].requestsPerSecond);
    const ratio = round(median(ratios), 3);
    const cpuOf = (runs) => runs.map((r) => r.serverCpuMicros).filter((x) => x !== null);
    const cpuRatio =
      cpuOf(plain).length === ROUNDS
        ? round(median(cpuOf(plain)) / median(cpuOf(rolled)), 3)
        : null;
    const served = await variantsServed(promptline.url);
    const assigned = Object.keys(served).some((k) => k.endsWith("candidate"));

    const result = {
      benchmark: "gateway-rollout",
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        note: "load generator, upstream and server share the cores",
        loadAverage: round(os.loadavg()[0]),
      },
      connections: CONNECTIONS,
      secondsPerRun: DURATION,
      rounds: ROUNDS,
      rollout: { id: rollout.id, split: rollout.split, rules: rollout.rules.length },
      requestsPerSecond: {
        withoutRollout: plain.map((r) => round(r.requestsPerSecond)),
        withRollout: rolled.map((r) => round(r.requestsPerSecond)),
      },
      ratioPerRound: ratios.map((r) => round(r, 3)),
      ratio,
      target: "ratio >= 0.9",
      serverCpuMicrosPerRequest: {
        withoutRollout: cpuOf(plain).map((x) => round(x, 1)),
        withRollout: cpuOf(rolled).map((x) => round(x, 1)),
        ratio: cpuRatio,
        note: "median CPU per request without ÷ with: the throughput ratio a CPU-bound server would see",
      },
      assignmentMicrosPerCall: round(assignmentMicros(rollout), 2),
      interference: [...plain, ...rolled].map((r) => r.others),
      latestRolloutTraces: served,
      pass: ratio >= 0.9 && assigned,
    };
    const file = writeResult("gateway-rollout", result);
    console.log(
      `gateway-rollout: ${os.cpus().length} cores shared by the load generator, the upstream and the server; ${ROUNDS} rounds of ${DURATION}s each, ${CONNECTIONS} connections; load average ${os.loadavg()[0].toFixed(1)}`,
    );
    console.log(
      `  without a rollout ${result.requestsPerSecond.withoutRollout.join(", ")} req/s; server ${result.serverCpuMicrosPerRequest.withoutRollout.join(", ")} µs CPU/request`,
    );
    console.log(
      `  with a rollout    ${result.requestsPerSecond.withRollout.join(", ")} req/s; server ${result.serverCpuMicrosPerRequest.withRollout.join(", ")} µs CPU/request`,
    );
    console.log(
      `  ratio per round ${result.ratioPerRound.join(", ")} → median ${ratio} (target ≥ 0.9); the rollout's latest traces: ${Object.entries(
        served,
      )
        .map(([k, n]) => `${k} ×${n}`)
        .join(", ")}`,
    );
    console.log(
      `  server CPU per request, without ÷ with: ${cpuRatio} (what a CPU-bound server's throughput ratio would be)`,
    );
    console.log(
      `  one assignment (rules, RE2 pattern, split) costs ${result.assignmentMicrosPerCall} µs, measured in this process`,
    );
    const busy = [...plain, ...rolled].map((r) => r.otherCores).filter((x) => x !== null);
    if (busy.length > 0) {
      console.log(
        `  other processes kept ${round(Math.min(...busy), 1)}–${round(Math.max(...busy), 1)} cores busy during the runs (see interference in the result)`,
      );
    }
    console.log(`  ${result.pass ? "PASS" : "MISS"} — written to ${file}`);
    return result;
  } finally {
    for (const child of started.reverse()) await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
