// Soak: mixed load on each engine for ten minutes — resolves, gateway calls to a local upstream,
// trace batches, draft saves, publishes and deploys, 2,000 change-feed subscribers that drop and
// reconnect with Last-Event-ID, and bursts of bad keys. Every answer is classified (target: 0
// unexpected); /healthz is timed throughout (target: p99 < 50 ms once a warm-up of a tenth of
// the run has passed), against the idle server's p99 measured first; the server's peak RSS
// (target: ≤ 500 MB) is set against its idle RSS. Subscribers check their events too: none
// repeated or out of order, none missed across reconnections.
//   npm run bench -- soak      ten minutes per engine
//   npm run bench              a 30-second soak among the others; BENCH_SOAK_SECONDS sets any length
// One engine, its result as JSON on stdout (packages/server/src/soak.test.ts runs it in CI):
//   BENCH_SOAK_ENGINE=sqlite|postgres [BENCH_DATABASE_URL=…] BENCH_SOAK_SECONDS=20 node bench/soak.bench.mjs
// Processes on the machine's cores: the server (measured), the upstream, PostgreSQL, the request
// mix (workers/soak-mix.mjs), two of subscribers (workers/feed-subscribers.mjs), and this one,
// which only probes /healthz and reads the server's memory.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  addLocalProvider,
  adminApi,
  callWorker,
  describeOthers,
  forkWorker,
  metricValue,
  peakRssMb,
  percentile,
  profilingArgs,
  round,
  rssMb,
  startPostgres,
  startProcess,
  withCpuAccounting,
  writeResult,
} from "./lib.mjs";
import { exchange, Tally } from "./workers/outcomes.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const FULL_SECONDS = 600;
const SUBSCRIBERS = 2000;
const SUBSCRIBER_PROCESSES = 2;
const SUBSCRIBER_RAMP_MS = 5000;
/** How long a subscriber holds its stream before dropping it: uniform between the two. */
const SUBSCRIBER_LIFETIME_MS = [5000, 60_000];
const HEALTHZ_PER_SECOND = 20;
// As long as any other request's: a server that is merely slow shows in the p99, one that
// never answers (a spinning event loop) shows as timeouts.
const HEALTHZ_TIMEOUT_MS = 10_000;
/** After the mix stops: time for the last events to reach every subscriber. */
const SETTLE_MS = 2000;
const GATEWAY_PROMPT = "soak/gateway";
const CHURN_PROMPTS = [0, 1, 2, 3].map((i) => `soak/churn-${i}`);
const TARGETS = { unexpected: 0, healthzP99Ms: 50, peakRssMb: 500 };
// Room for 2,000 subscribers on one key from one address: the soak checks that the server
// holds under load, not where its limits are.
const LIMITS = {
  PROMPTLINE_MAX_CONNECTIONS: "5000",
  PROMPTLINE_MAX_CONNECTIONS_PER_ADDRESS: "5000",
  PROMPTLINE_MAX_STREAMS_PER_KEY: "5000",
  PROMPTLINE_MAX_STREAMS_PER_ADDRESS: "5000",
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A provider on the local upstream, the prompts the mix uses, and a viewer key for clients. */
async function seed(url, upstreamUrl) {
  const api = (method, path, body) => adminApi(url, ADMIN_KEY, method, path, body);
  await addLocalProvider(api, upstreamUrl);
  const chat = {
    type: "chat",
    messages: [{ role: "system", content: "You are a refund agent for {{company}}." }],
    variables: { company: { type: "string", default: "Acme" } },
    config: { provider: "local", model: "gpt-4o-mini" },
  };
  const text = { type: "text", text: "v0: answer {{q}}" };
  for (const [name, content] of [[GATEWAY_PROMPT, chat], ...CHURN_PROMPTS.map((n) => [n, text])]) {
    const path = `/api/v1/prompts/${encodeURIComponent(name)}`;
    await api("POST", "/api/v1/prompts", { name, type: content.type });
    await api("POST", `${path}/versions`, { commitMessage: "seed", content });
    await api("POST", `${path}/deployments`, { environment: "production", version: 1 });
  }
  return (await api("POST", "/api/v1/api-keys", { name: "soak clients", role: "viewer" })).key;
}

function summary(latencies) {
  latencies.sort((a, b) => a - b);
  const at = (p) => (latencies.length ? round(percentile(latencies, p), 3) : null);
  return { answered: latencies.length, p50: at(50), p99: at(99), max: at(100) };
}

/**
 * GET /healthz HEALTHZ_PER_SECOND times a second on schedule (open loop) for `seconds`: latency
 * over the whole run, and its p99 in each tenth of it (a server that degrades shows a slope).
 */
async function probeHealthz(url, seconds, tally, kind) {
  const agent = new http.Agent({ keepAlive: true });
  const tenths = Array.from({ length: 10 }, () => []);
  const pending = [];
  const start = performance.now();
  const total = seconds * HEALTHZ_PER_SECOND;
  for (let i = 0; i < total; i++) {
    await sleep(start + (i * 1000) / HEALTHZ_PER_SECOND - performance.now());
    const asked = exchange(`${url}/healthz`, { agent, timeoutMs: HEALTHZ_TIMEOUT_MS });
    pending.push(
      asked.then((answer) => {
        tally.check(kind, answer, ["200"]);
        if (answer.status === 200) tenths[Math.floor((i * 10) / total)].push(answer.ms);
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { ...summary(tenths.flat()), p99ByTenth: tenths.map((t) => summary(t).p99) };
}

/**
 * The server's memory by its own account (/metrics) every `everySeconds` for `seconds`: a heap
 * that keeps growing is a leak, an RSS that grows while the heap does not is the garbage collector
 * taking its time. Feed streams open show the subscribers holding.
 */
async function sampleMemory(url, everySeconds, seconds) {
  const agent = new http.Agent({ keepAlive: true });
  const headers = { authorization: `Bearer ${ADMIN_KEY}` };
  const timeline = [];
  const start = performance.now();
  for (let i = 1; i * everySeconds <= seconds; i++) {
    await sleep(start + i * everySeconds * 1000 - performance.now());
    const answer = await exchange(`${url}/metrics`, { agent, headers });
    // An unanswered read is /healthz's finding to report; here it is only a gap.
    if (answer.status !== 200) continue;
    const text = answer.body.toString();
    const mb = (name) => Math.round(metricValue(text, `promptline_${name}`) / 2 ** 20);
    timeline.push({
      second: i * everySeconds,
      rssMb: mb("process_resident_memory_bytes"),
      heapUsedMb: mb("nodejs_heap_size_used_bytes"),
      externalMb: mb("nodejs_external_memory_bytes"),
      feedStreams: metricValue(text, "promptline_feed_streams"),
    });
  }
  agent.destroy();
  return timeline;
}

/** SIGTERM, then SIGKILL after 10 s; a server that needed the second is an unexpected outcome. */
async function stopWithin(child, tally) {
  let timer;
  const exited = await Promise.race([
    child.stop().then(() => true),
    new Promise((resolve) => {
      timer = setTimeout(resolve, 10_000, false);
    }),
  ]);
  clearTimeout(timer);
  if (exited) return;
  tally?.add("shutdown", "SIGTERM ignored for 10 s", false);
  process.kill(child.pid, "SIGKILL");
  await child.stop();
}

/**
 * Events a subscriber should have had but did not: every event any subscriber saw between its
 * first and its last, counted across its reconnections.
 */
function countMissed(feeds, tally) {
  const all = [...new Set(feeds.flatMap((f) => f.ids))].sort((a, b) => a - b);
  const upTo = (id) => {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid] <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let missed = 0;
  for (const [first, last, seen] of feeds.flatMap((f) => f.subscribers)) {
    if (first === null) continue;
    const due = upTo(last) - upTo(first - 1);
    if (seen === due) continue;
    missed += due - seen;
    tally.add("stream", "events missed", false, `${due - seen} of ${due} in ${first}..${last}`);
  }
  return { published: all.length, missed };
}

async function startSubscribers(url, key) {
  const workers = Array.from({ length: SUBSCRIBER_PROCESSES }, () =>
    forkWorker("./workers/feed-subscribers.mjs"),
  );
  const count = SUBSCRIBERS / SUBSCRIBER_PROCESSES;
  const start = { url, key, count, rampMs: SUBSCRIBER_RAMP_MS, lifetimeMs: SUBSCRIBER_LIFETIME_MS };
  const ready = await Promise.all(workers.map((w) => callWorker(w, { start }, "ready")));
  return { workers, connected: ready.reduce((sum, m) => sum + m.ready, 0) };
}

/** One engine's soak: its figures, every answer counted by outcome, and whether it passed. */
export async function soakEngine(engine, { seconds, databaseUrl, databasePids }) {
  const dataDir = mkdtempSync(join(tmpdir(), `promptline-soak-${engine}-`));
  const tally = new Tally();
  const processes = [];
  const workers = [];
  try {
    const upstream = await startProcess("./servers/upstream.mjs");
    processes.push(upstream);
    const env = { BENCH_ADMIN_KEY: ADMIN_KEY, BENCH_DATA_DIR: dataDir, ...LIMITS };
    if (databaseUrl) env.BENCH_DATABASE_URL = databaseUrl;
    const server = await startProcess("./servers/promptline.mjs", env, {
      nodeArgs: profilingArgs(`soak-${engine}`),
    });
    processes.push(server);
    const viewerKey = await seed(server.url, upstream.url);

    await probeHealthz(server.url, 1, new Tally(), "warm-up");
    const idleSeconds = Math.min(15, Math.max(3, Math.round(seconds / 20)));
    // The load's first seconds compile its code paths: /healthz is timed apart meanwhile.
    const warmUpSeconds = Math.min(30, Math.max(5, Math.round(seconds / 10)));
    const loadSeconds = warmUpSeconds + seconds;
    const memoryEverySeconds = Math.max(2, Math.round(loadSeconds / 60));
    const idle = await probeHealthz(server.url, idleSeconds, tally, "healthz (idle)");
    const idleRss = rssMb(server.pid);

    const subscribers = await startSubscribers(server.url, viewerKey);
    workers.push(...subscribers.workers);
    const mix = forkWorker("./workers/soak-mix.mjs");
    workers.push(mix);
    const start = {
      url: server.url,
      adminKey: ADMIN_KEY,
      viewerKey,
      gatewayPrompt: GATEWAY_PROMPT,
      churnPrompts: CHURN_PROMPTS,
      seconds: loadSeconds,
    };
    const pids = {
      server: server.pid,
      upstream: upstream.pid,
      ...(databasePids && { database: databasePids() }),
    };
    const probes = async () => [
      await probeHealthz(server.url, warmUpSeconds, tally, "healthz (warm-up)"),
      await probeHealthz(server.url, seconds, tally, "healthz"),
    ];
    const { result, cpu } = await withCpuAccounting(pids, () =>
      Promise.all([
        probes(),
        callWorker(mix, { start }, "done"),
        sampleMemory(server.url, memoryEverySeconds, loadSeconds),
      ]),
    );
    const [[warmUp, underLoad], { done: mixed }, memory] = result;
    tally.merge(mixed);
    await sleep(SETTLE_MS);
    const feeds = await Promise.all(
      subscribers.workers.map(async (w) => (await callWorker(w, { stop: true }, "done")).done),
    );
    for (const feed of feeds) tally.merge(feed.tally);
    const events = countMissed(feeds, tally);
    const rss = { idle: idleRss, peak: peakRssMb(server.pid), end: rssMb(server.pid) };
    await stopWithin(server, tally);

    const perSecond = (kind, outcome) =>
      round(
        Object.entries(tally.counts[kind] ?? {})
          .filter(([o]) => outcome === undefined || o === outcome)
          .reduce((sum, [, n]) => sum + n, 0) / loadSeconds,
        1,
      );
    const healthzOk = ["healthz (idle)", "healthz (warm-up)", "healthz"].every((kind) =>
      Object.keys(tally.counts[kind] ?? {}).every((outcome) => outcome === "200"),
    );
    const report = {
      engine,
      seconds,
      warmUpSeconds,
      load: {
        perSecond: {
          resolve: perSecond("resolve", "200"),
          gateway: perSecond("gateway", "200"),
          traceBatches: perSecond("ingest", "200"),
          draftSaves: perSecond("draft", "200"),
          publishes: perSecond("publish", "201"),
          deploys: perSecond("deploy", "201"),
          badKeys: perSecond("badKey"),
        },
        subscribers: {
          count: SUBSCRIBERS,
          connectedAtStart: subscribers.connected,
          connections: tally.counts.subscribe?.["200"] ?? 0,
          connectMs: summary(feeds.flatMap((f) => f.connectMs)),
          feedEvents: events.published,
          deliveries: feeds.flatMap((f) => f.subscribers).reduce((sum, s) => sum + s[2], 0),
          missedEvents: events.missed,
        },
      },
      answers: tally.counts,
      unexpected: tally.unexpected,
      unexpectedSamples: tally.samples,
      healthz: {
        idle,
        warmUp,
        underLoad,
        p99VsIdle: idle.p99 && underLoad.p99 ? round(underLoad.p99 / idle.p99) : null,
        allAnswered200: healthzOk,
      },
      rssMb: { ...rss, peakVsIdle: rss.peak && rss.idle ? round(rss.peak / rss.idle) : null },
      memory: { everySeconds: memoryEverySeconds, timeline: memory },
      cpuSeconds: cpu,
      target: `${TARGETS.unexpected} unexpected answers, /healthz p99 < ${TARGETS.healthzP99Ms} ms, peak RSS <= ${TARGETS.peakRssMb} MB`,
    };
    report.pass =
      tally.unexpected === TARGETS.unexpected &&
      healthzOk &&
      underLoad.p99 !== null &&
      underLoad.p99 < TARGETS.healthzP99Ms &&
      rss.peak !== null &&
      rss.peak <= TARGETS.peakRssMb;
    return report;
  } finally {
    for (const worker of workers) worker.kill();
    for (const child of processes.reverse()) await stopWithin(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What a person reads: one engine's soak in a few lines. */
function describe(r) {
  const p = r.load.perSecond;
  const s = r.load.subscribers;
  const h = r.healthz;
  return [
    `soak (${r.engine}, ${r.seconds} s after ${r.warmUpSeconds} s of warm-up): ${r.unexpected} unexpected answers; /healthz p99 ${h.underLoad.p99} ms under load vs ${h.idle.p99} ms idle (×${h.p99VsIdle}), max ${h.underLoad.max} ms, p99 in warm-up ${h.warmUp.p99} ms${h.allAnswered200 ? "" : ", NOT every /healthz answered 200"}; RSS idle ${r.rssMb.idle} MB, peak ${r.rssMb.peak} MB (×${r.rssMb.peakVsIdle}), end ${r.rssMb.end} MB`,
    `  /healthz    p99 by tenth of the run: ${h.underLoad.p99ByTenth.join(", ")} ms`,
    `  load/s      resolve ${p.resolve}, gateway ${p.gateway}, trace batches ${p.traceBatches}, draft saves ${p.draftSaves}, publishes ${p.publishes}, deploys ${p.deploys}, bad keys ${p.badKeys}`,
    `  subscribers ${s.count} (${s.connectedAtStart} connected at start), ${s.connections} connections, connect p99 ${s.connectMs.p99} ms; ${s.feedEvents} feed events, ${s.deliveries} deliveries, ${s.missedEvents} missed`,
    `  memory      RSS/heap used in MB every ${r.memory.everySeconds} s: ${r.memory.timeline.map((m) => `${m.rssMb}/${m.heapUsedMb}`).join(" ")}`,
    `  cpu         server ${r.cpuSeconds.server} CPU-s, upstream ${r.cpuSeconds.upstream}, ${r.cpuSeconds.database != null ? `PostgreSQL ${r.cpuSeconds.database}, ` : ""}this process ${r.cpuSeconds.loadGenerator}; ${describeOthers(r.cpuSeconds)}`,
    ...r.unexpectedSamples.map((u) => `  unexpected  ${u.kind}: ${u.outcome} ${u.detail}`),
    `  target ${r.target}: ${r.pass ? "PASS" : "MISS"}`,
  ];
}

export async function benchSoak({ seconds = FULL_SECONDS } = {}) {
  const length = Number(process.env.BENCH_SOAK_SECONDS ?? seconds);
  const engines = [await soakEngine("sqlite", { seconds: length })];
  const dir = mkdtempSync(join(tmpdir(), "promptline-soak-pg-"));
  try {
    const postgres = startPostgres(dir);
    if (postgres) {
      try {
        engines.push(
          await soakEngine("postgres", {
            seconds: length,
            databaseUrl: postgres.url,
            databasePids: postgres.pids,
          }),
        );
      } finally {
        postgres.stop();
      }
    } else {
      console.log("soak: PostgreSQL not available here; its run is skipped");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const file = writeResult("soak", {
    benchmark: "soak",
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      note: "load generators, upstream, server (and PostgreSQL) share the cores",
    },
    engines,
    pass: engines.every((e) => e.pass),
  });
  for (const engine of engines) for (const line of describe(engine)) console.log(line);
  console.log(`  written to ${file}`);
  return engines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Exiting runs lib.mjs's handler that stops the server and workers; a signal alone would not.
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(1));
  const engine = process.env.BENCH_SOAK_ENGINE ?? "sqlite";
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (engine === "postgres" && !databaseUrl) {
    throw new Error("BENCH_SOAK_ENGINE=postgres needs BENCH_DATABASE_URL");
  }
  const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 20);
  const result = await soakEngine(engine, { seconds, databaseUrl });
  for (const line of describe(result)) console.error(line);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
