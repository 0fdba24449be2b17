// Evaluation runs: 1,000 cases through a real server's run (prompt compiled, provider called,
// scored, each result written, each call traced) against a bare loop making the same HTTP calls
// at the same concurrency in this process, both against an upstream that answers after a fixed
// 20 ms; the server's peak RSS through a 10,000-case run; and summariseRun on a 1,000-case
// comparison. Datasets are written straight into the server's SQLite file (a second connection,
// as the tests do), so the figure is the run's alone.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { summariseRun, timeOrderedId } from "../packages/core/dist/index.js";
import { openStorage } from "../packages/server/dist/storage/index.js";
import {
  addLocalProvider,
  adminApi,
  describeOthers,
  profilingArgs,
  round,
  startProcess,
  withCpuAccounting,
  writeResult,
} from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const DELAY_MS = 20;
const CONCURRENCY = 8;
const CASES = 1000;
const BIG_CASES = 10_000;
const BIG_CONCURRENCY = 16;
const PROMPT = "bench/eval-answer";
const TEXT = "Answer briefly: {{question}}";

/** Writes a dataset of `count` cases into the server's database; its name. */
async function seedDataset(dataDir, name, count) {
  const engine = await openStorage({ dataDir });
  try {
    const { db } = engine;
    const { id: projectId } = await db
      .selectFrom("projects")
      .select("id")
      .executeTakeFirstOrThrow();
    const id = timeOrderedId(Date.now());
    const at = new Date().toISOString();
    await db
      .insertInto("datasets")
      .values({
        id,
        projectId,
        name,
        description: "bench",
        latestRevision: 1,
        caseCount: count,
        createdAt: at,
        createdBy: "bench",
        updatedAt: at,
      })
      .execute();
    await db
      .insertInto("datasetRevisions")
      .values({
        datasetId: id,
        revision: 1,
        message: "bench",
        added: count,
        updated: 0,
        removed: 0,
        caseCount: count,
        actor: "bench",
        createdAt: at,
      })
      .execute();
    for (let start = 0; start < count; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + 500); i++) {
        rows.push({
          rowId: timeOrderedId(Date.now()),
          datasetId: id,
          caseId: timeOrderedId(Date.now()),
          firstRevision: 1,
          removedRevision: null,
          pendingImport: null,
          input: { variables: { question: `question number ${i}` } },
          expected: `echo: Answer briefly: question number ${i}`,
          tags: [],
          metadata: {},
          sourceKind: "person",
          sourceRef: null,
          createdAt: at,
          createdBy: "bench",
        });
      }
      await db.insertInto("datasetCases").values(rows).execute();
    }
  } finally {
    await engine.close();
  }
  return name;
}

async function startEvalServer(upstreamUrl, label) {
  const dataDir = mkdtempSync(join(tmpdir(), "promptline-bench-eval-"));
  const server = await startProcess(
    "./servers/promptline.mjs",
    { BENCH_ADMIN_KEY: ADMIN_KEY, BENCH_DATA_DIR: dataDir },
    { nodeArgs: profilingArgs(label) },
  );
  const api = (method, path, body) => adminApi(server.url, ADMIN_KEY, method, path, body);
  await addLocalProvider(api, upstreamUrl);
  await api("POST", "/api/v1/prompts", { name: PROMPT, type: "text" });
  await api("POST", `/api/v1/prompts/${encodeURIComponent(PROMPT)}/versions`, {
    commitMessage: "bench",
    content: { type: "text", text: TEXT, config: { provider: "local", model: "gpt-4o-mini" } },
  });
  return { ...server, dataDir, api };
}

/** Starts a run and follows its progress stream to the end, as the CLI does; run and seconds. */
async function timedRun(server, dataset, concurrency) {
  const started = process.hrtime.bigint();
  const run = await server.api("POST", "/api/v1/eval-runs", {
    prompt: PROMPT,
    dataset,
    candidates: [{ version: 1 }],
    baseline: null,
    scorers: [{ type: "equals" }, { type: "contains", values: ["question"] }],
    concurrency,
  });
  const stream = await fetch(`${server.url}/api/v1/eval-runs/${run.id}/progress`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream.body) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes("event: end")) break;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { run: await server.api("GET", `/api/v1/eval-runs/${run.id}`), seconds };
}

/** The same calls the run makes, straight to the upstream, `concurrency` at a time. */
async function bareLoop(upstreamUrl, count, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${upstreamUrl}/v1/chat/completions`);
  const call = (i) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: TEXT.replace("{{question}}", `question number ${i}`) }],
        stream: false,
      });
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
        },
        (res) => {
          const parts = [];
          res.on("data", (p) => parts.push(p));
          res.on("end", () => {
            JSON.parse(Buffer.concat(parts).toString("utf8"));
            resolve();
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
  agent.destroy();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function peakRssMb(pid) {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? round(Number(match[1]) / 1024, 1) : null;
}

/** summariseRun over a candidate and a baseline on `count` cases with three scorers. */
function timeSummary(count) {
  const variants = [
    { role: "candidate", provider: null, model: null },
    { role: "baseline", provider: null, model: null },
  ];
  const scorers = ["equals", "similarity", "judge"];
  const results = [];
  for (let variant = 0; variant < 2; variant++) {
    for (let i = 0; i < count; i++) {
      results.push({
        variant,
        caseId: `case-${String(i).padStart(6, "0")}`,
        scores: scorers.map((name, s) => ({
          name,
          score: ((i * 7 + s * 3 + variant * 5) % 11) / 10,
          reason: null,
          error: null,
        })),
        latencyMs: 20 + (i % 7),
        cost: 0.0001,
        error: null,
      });
    }
  }
  summariseRun(variants, scorers, results); // warm
  const started = process.hrtime.bigint();
  const summary = summariseRun(variants, scorers, results);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    ms: round(ms, 1),
    scorers: scorers.length,
    verdicts: summary.variants[0].comparison.map((c) => c.verdict),
  };
}

export async function benchEval() {
  const started = [];
  const dirs = [];
  try {
    const upstream = await startProcess("./servers/delayed-upstream.mjs", {
      BENCH_DELAY_MS: String(DELAY_MS),
    });
    started.push(upstream);

    // Throughput: the same 1,000 calls, bare and through a run, after a warm-up of each.
    const server = await startEvalServer(upstream.url, "eval");
    started.push(server);
    dirs.push(server.dataDir);
    await bareLoop(upstream.url, 200, CONCURRENCY);
    const warm = await seedDataset(server.dataDir, "bench/warm", 200);
    await timedRun(server, warm, CONCURRENCY);
    const cases = await seedDataset(server.dataDir, "bench/cases", CASES);
    const pids = { upstream: upstream.pid, server: server.pid };
    const { result: bareSeconds, cpu: bareCpu } = await withCpuAccounting(pids, () =>
      bareLoop(upstream.url, CASES, CONCURRENCY),
    );
    const {
      result: { run, seconds: runSeconds },
      cpu: runCpu,
    } = await withCpuAccounting(pids, () => timedRun(server, cases, CONCURRENCY));
    const ratio = round(bareSeconds / runSeconds);
    const runOk =
      run.status === "completed" && run.progress.done === CASES && run.progress.errored === 0;

    // Memory: a fresh server through a 10,000-case run.
    const big = await startEvalServer(upstream.url, "eval-10k");
    started.push(big);
    dirs.push(big.dataDir);
    const bigCases = await seedDataset(big.dataDir, "bench/big", BIG_CASES);
    const { run: bigRun, seconds: bigSeconds } = await timedRun(big, bigCases, BIG_CONCURRENCY);
    const peak = peakRssMb(big.pid);
    const bigOk = bigRun.status === "completed" && bigRun.progress.done === BIG_CASES;

    const summary = timeSummary(CASES);

    const result = {
      benchmark: "eval",
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        note: "this process, the upstream and the server share the cores",
      },
      upstreamDelayMs: DELAY_MS,
      throughput: {
        cases: CASES,
        concurrency: CONCURRENCY,
        bareSeconds: round(bareSeconds, 3),
        runSeconds: round(runSeconds, 3),
        bareCallsPerSecond: round(CASES / bareSeconds, 1),
        runItemsPerSecond: round(CASES / runSeconds, 1),
        ratio,
        runOk,
        serverCpuMsPerItem:
          runCpu.server === null ? null : round((runCpu.server * 1000) / CASES, 2),
        cpuSeconds: { bare: bareCpu, run: runCpu },
        target: "ratio >= 0.8",
      },
      memory: {
        cases: BIG_CASES,
        concurrency: BIG_CONCURRENCY,
        runSeconds: round(bigSeconds, 2),
        peakRssMb: peak,
        runOk: bigOk,
        target: "peakRssMb <= 300",
      },
      summary: { cases: CASES, ...summary, target: "ms < 1000" },
    };
    result.pass =
      ratio >= 0.8 && runOk && bigOk && peak !== null && peak <= 300 && summary.ms < 1000;
    const file = writeResult("eval", result);
    console.log(`eval: ${os.cpus().length} cores shared; upstream answers after ${DELAY_MS} ms`);
    console.log(
      `  throughput  ${CASES} cases at concurrency ${CONCURRENCY}: bare loop ${round(bareSeconds, 2)} s, run ${round(runSeconds, 2)} s → ratio ${ratio} (target ≥ 0.8)${runOk ? "" : " — RUN INCOMPLETE"}`,
    );
    console.log(
      `  cpu         server ${result.throughput.serverCpuMsPerItem} ms per item; during the run ${describeOthers(runCpu)}; during the bare loop ${describeOthers(bareCpu)}`,
    );
    console.log(
      `  memory      ${BIG_CASES} cases at concurrency ${BIG_CONCURRENCY} in ${round(bigSeconds, 1)} s: peak RSS ${peak} MB (target ≤ 300)${bigOk ? "" : " — RUN INCOMPLETE"}`,
    );
    console.log(
      `  summary     summariseRun on ${CASES} cases × ${summary.scorers} scorers: ${summary.ms} ms (target < 1000)`,
    );
    console.log(`  ${result.pass ? "PASS" : "MISS"} — written to ${file}`);
    return result;
  } finally {
    for (const child of started.reverse()) await child.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
