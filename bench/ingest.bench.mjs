// Trace ingestion: sustained spans/s through POST /api/v1/traces (validated, stored, answered
// once committed) for batches of 100 and 1,000, on SQLite and on PostgreSQL, against a bare
// node:http server that only reads and JSON.parses the same bodies, measured in the same run.
// Also the server's peak memory, and a check that every acknowledged trace is in the table.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import {
  describeOthers,
  metricValue,
  peakRssMb,
  percentile,
  profilingArgs,
  readMetrics,
  round,
  startPostgres,
  startProcess,
  withCpuAccounting,
  writeResult,
} from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = Number(process.env.BENCH_INGEST_CONNECTIONS ?? 4);
const BATCH_SIZES = [100, 1000];
const TARGETS = { sqlite: 50_000, postgres: 10_000 };
const RSS_TARGET_MB = 500;

// ---- bodies: built once per batch size, only the id prefix changes per request ----

const ID_MARK = "@@ID@@";
const SYSTEM =
  "You are the refund assistant of Acme Outdoor. Answer in the customer's language, cite the order number, never promise a refund before checking the order status, and keep answers under 120 words.";
const QUESTIONS = [
  "Hi, I ordered a tent (order {n}) three weeks ago and it arrived with a broken pole. Can I get a refund or a replacement pole?",
  "My order {n} was charged twice on my card this Monday. Please refund the duplicate payment, I have the bank statement if needed.",
  "Bonjour, la commande {n} n'est jamais arrivée et le suivi est bloqué depuis dix jours. Est-ce que je peux être remboursé ?",
];
const ANSWERS = [
  "I'm sorry about the broken pole on order {n}. I've opened a replacement request; a new pole ships within 2 business days. If you prefer a refund, reply here and I'll start it.",
  "Thanks for flagging this. I can see two payments for order {n}; the duplicate has been refunded and should appear on your statement within 3 to 5 business days.",
];

function traceAt(i, base) {
  const start = base + i * 37;
  const order = `A-${(100000 + i * 7919) % 1000000}`;
  const inputTokens = 96 + (i % 40);
  const outputTokens = 52 + (i % 30);
  return {
    id: `${ID_MARK}-${i.toString(36).padStart(3, "0")}`,
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + 600 + (i % 900)).toISOString(),
    prompt: { name: "support/refund-agent", version: 3, label: "production" },
    provider: "openai",
    model: "gpt-4o-mini",
    input: [
      { role: "system", content: SYSTEM },
      { role: "user", content: QUESTIONS[i % QUESTIONS.length].replace("{n}", order) },
    ],
    output: { role: "assistant", content: ANSWERS[i % ANSWERS.length].replace("{n}", order) },
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    userId: `user-${(i * 31) % 5000}`,
    sessionId: `session-${(i * 17) % 1200}`,
    metadata: { region: i % 3 === 0 ? "us-east-1" : "eu-west-1", appVersion: "4.12.0" },
  };
}

/** The batch as JSON cut at each id's prefix: `parts.join(prefix)` is a body with fresh ids. */
function batchParts(size) {
  const base = Date.now() - 3_600_000;
  const text = JSON.stringify({ traces: Array.from({ length: size }, (_, i) => traceAt(i, base)) });
  return text.split(ID_MARK);
}

let requestCounter = 0;
/** Ids are unique across the whole run: the server stores an id once. */
function bodyMaker(size) {
  const parts = batchParts(size);
  return () => parts.join(`ing${(requestCounter++).toString(36).padStart(6, "0")}`);
}

// ---- load: a closed loop per connection, so every request sent is answered and counted ----

/**
 * `connections` loops, each POSTing a fresh body as soon as its previous answer arrived, until
 * `seconds` have passed; the last answers are waited for, so acknowledged spans are exact.
 */
async function closedLoop(url, makeBody, size, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };
  const latencies = [];
  let spans = 0;
  const post = (body) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: { ...headers, "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("end", () => {
            latencies.push(performance.now() - t0);
            resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const { status, text } = await post(makeBody());
      // The answer's head and tail: no need to parse 1,000 ids to read two fields.
      const accepted = Number(/^\{"accepted":(\d+)/.exec(text)?.[1]);
      if (status !== 200 || accepted !== size || !text.endsWith('"rejected":[]}')) {
        throw new Error(`${url}: ${status} ${text.slice(0, 300)}`);
      }
      spans += accepted;
    }
  };
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    spansPerSecond: round(spans / elapsed, 0),
    requests: latencies.length,
    spans,
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
  };
}

/** The highest VmRSS seen while `fn` runs (sampled every 100 ms), in MB. */
async function withRssSampling(pid, fn) {
  let maxKb = 0;
  const sample = () => {
    try {
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
      maxKb = Math.max(maxKb, kb);
    } catch {
      // no /proc here: VmHWM at the end is null too
    }
  };
  const timer = setInterval(sample, 100);
  try {
    return { result: await fn(), peakRssMb: Math.round(maxKb / 1024) };
  } finally {
    clearInterval(timer);
  }
}

/** Warms, then measures each batch size against one server; per-batch spans/s, CPU and memory. */
async function measureServer(server, url, database) {
  const runs = {};
  let acknowledged = 0;
  for (const size of BATCH_SIZES) {
    const makeBody = bodyMaker(size);
    const warm = await closedLoop(url, makeBody, size, WARMUP_SECONDS);
    const pids = { server: server.pid, ...(database && { database: database() }) };
    const { result: measured, cpu } = await withCpuAccounting(pids, () =>
      withRssSampling(server.pid, () => closedLoop(url, makeBody, size, DURATION)),
    );
    acknowledged += warm.spans + measured.result.spans;
    runs[size] = {
      ...measured.result,
      bodyBytes: Buffer.byteLength(makeBody()),
      serverCpuMicrosPerSpan:
        cpu.server === null ? null : round((cpu.server * 1e6) / measured.result.spans, 1),
      peakRssMbDuringRun: measured.peakRssMb,
      cpuSeconds: cpu,
    };
  }
  return { runs, acknowledged };
}

/** Rows the server stored, counted in its own database; the acknowledged figure must match. */
async function countRows({ dataDir, databaseUrl }) {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query("select count(*)::int as n from traces");
      return rows[0].n;
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(dataDir, "promptline.db"), { readonly: true });
  try {
    return db.prepare("select count(*) as n from traces").get().n;
  } finally {
    db.close();
  }
}

async function benchPromptline(engine, storage, database) {
  // The data folder holds the server secret on PostgreSQL too: inside the run's temp folder.
  const env = { BENCH_ADMIN_KEY: ADMIN_KEY, BENCH_DATA_DIR: storage.dataDir };
  if (storage.databaseUrl) env.BENCH_DATABASE_URL = storage.databaseUrl;
  const server = await startProcess("./servers/promptline.mjs", env, {
    nodeArgs: profilingArgs(`ingest-${engine}`),
  });
  try {
    const { runs, acknowledged } = await measureServer(
      server,
      `${server.url}/api/v1/traces`,
      database,
    );
    const peakRss = peakRssMb(server.pid);
    const metrics = await readMetrics(server.url, ADMIN_KEY);
    const counted = metricValue(metrics, "promptline_traces_ingested_total", { source: "api" });
    const rows = await countRows(storage);
    return {
      engine,
      runs,
      peakRssMb: peakRss,
      verification: {
        acknowledgedSpans: acknowledged,
        ingestedMetric: counted,
        rowsInTable: rows,
        ok: counted === acknowledged && rows === acknowledged,
      },
    };
  } finally {
    await server.stop();
  }
}

export async function benchIngest() {
  const results = { benchmark: "ingest" };
  const dir = mkdtempSync(join(tmpdir(), "promptline-bench-ingest-"));
  try {
    const bare = await startProcess("./servers/bare-ingest.mjs");
    try {
      const { runs } = await measureServer(bare, bare.url);
      results.bare = { runs, peakRssMb: peakRssMb(bare.pid) };
    } finally {
      await bare.stop();
    }

    results.sqlite = await benchPromptline("sqlite", { dataDir: join(dir, "sqlite") });

    const postgres = startPostgres(dir);
    if (postgres) {
      try {
        results.postgres = await benchPromptline(
          "postgres",
          { databaseUrl: postgres.url, dataDir: join(dir, "postgres") },
          postgres.pids,
        );
      } finally {
        postgres.stop();
      }
    } else {
      console.log("ingest: PostgreSQL not available here; its scenario is skipped");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const engines = ["sqlite", "postgres"].filter((e) => results[e]);
  for (const engine of engines) {
    const r = results[engine];
    for (const size of BATCH_SIZES) {
      r.runs[size].ratioToBare = round(
        r.runs[size].spansPerSecond / results.bare.runs[size].spansPerSecond,
      );
    }
    r.target = `>= ${TARGETS[engine]} spans/s with batches of 1000, peak RSS <= ${RSS_TARGET_MB} MB`;
    r.pass =
      r.runs[1000].spansPerSecond >= TARGETS[engine] &&
      r.peakRssMb !== null &&
      r.peakRssMb <= RSS_TARGET_MB &&
      r.verification.ok;
  }
  const report = {
    ...results,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      note: "load generator, server (and PostgreSQL) share the cores",
    },
    connections: CONNECTIONS,
    secondsPerRun: DURATION,
    pass: engines.every((e) => results[e].pass),
  };
  const file = writeResult("ingest", report);

  const line = (label, run, extra = "") => {
    const cpu = run.cpuSeconds;
    const notes = [
      `${run.requests} requests`,
      `p50 ${run.latencyMs.p50} ms`,
      `p99 ${run.latencyMs.p99} ms`,
      `server ${run.serverCpuMicrosPerSpan} µs CPU/span`,
      ...(cpu.database != null ? [`PostgreSQL ${cpu.database} CPU-s`] : []),
      `load generator ${cpu.loadGenerator} CPU-s`,
      describeOthers(cpu),
    ];
    console.log(
      `  ${label.padEnd(18)} ${String(run.spansPerSecond).padStart(7)} spans/s (${notes.join(", ")})${extra}`,
    );
  };
  console.log(
    `ingest: ${os.cpus().length} cores shared by the load generator (this process), the server and PostgreSQL; ${CONNECTIONS} connections, ${DURATION}s per run`,
  );
  for (const size of BATCH_SIZES) {
    line(
      `bare, batch ${size}`,
      results.bare.runs[size],
      ` — ${results.bare.runs[size].bodyBytes} bytes/body`,
    );
    for (const engine of engines) {
      const run = results[engine].runs[size];
      line(
        `${engine}, batch ${size}`,
        run,
        ` → ×${run.ratioToBare} of bare, peak RSS ${run.peakRssMbDuringRun} MB`,
      );
    }
  }
  for (const engine of engines) {
    const r = results[engine];
    const v = r.verification;
    console.log(
      `  ${engine}: peak RSS (VmHWM) ${r.peakRssMb} MB; acknowledged ${v.acknowledgedSpans}, ingested metric ${v.ingestedMetric}, rows ${v.rowsInTable}${v.ok ? "" : " — MISMATCH"}; target ${r.target}: ${r.pass ? "PASS" : "MISS"}`,
    );
  }
  console.log(`  written to ${file}`);
  return report;
}
