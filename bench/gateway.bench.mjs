// Gateway overhead: POST /v1/chat/completions through promptline (prompt resolved and compiled,
// provider called, trace written in the background) against the same call sent straight to the
// upstream, both measured in the same run: p50/p99 at a paced 500 req/s, and full throughput.
// For reference, full throughput through a bare node:http + undici proxy (servers/bare-proxy.mjs):
// what any Node proxy costs here. Three processes share the machine's cores: this one (load),
// the upstream and the server.
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addLocalProvider,
  adminApi,
  describeOthers,
  load,
  metricValue,
  pacedLatency,
  readMetrics,
  round,
  startProcess,
  startUpstreamAndServer,
  withCpuAccounting,
  writeResult,
} from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const RATE = 500;
const GATEWAY_WARMUP_SECONDS = 5;
const CONNECTIONS = 64;
const NAME = "support/refund-agent";
const SYSTEM = "You are a refund agent for {{company}}. Be polite and precise.";
const QUESTION = "I was charged twice for order 1234 on Monday. Can you refund the second charge?";

async function seed(url, upstreamUrl) {
  const api = (method, path, body) => adminApi(url, ADMIN_KEY, method, path, body);
  await addLocalProvider(api, upstreamUrl);
  await api("POST", "/api/v1/prompts", { name: NAME, type: "chat" });
  const path = `/api/v1/prompts/${encodeURIComponent(NAME)}`;
  await api("POST", `${path}/versions`, {
    commitMessage: "bench",
    content: {
      type: "chat",
      messages: [{ role: "system", content: SYSTEM }],
      variables: { company: { type: "string", default: "Acme" } },
      config: { provider: "local", model: "gpt-4o-mini", temperature: 0.2 },
    },
  });
  await api("POST", `${path}/deployments`, { environment: "production", version: 1 });
}

/** Waits until the background writer has stored (or dropped) every gateway call's trace. */
async function settledTraceMetrics(url) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await readMetrics(url, ADMIN_KEY);
    const calls = metricValue(text, "promptline_gateway_calls_total");
    const ingested = metricValue(text, "promptline_traces_ingested_total", { source: "gateway" });
    const dropped = metricValue(text, "promptline_traces_dropped_total");
    const queued = metricValue(text, "promptline_trace_queue_depth");
    // Calls cut off when a load run ends (the client hangs up) are traced as errors.
    const errors = metricValue(text, "promptline_gateway_calls_total", { status: "error" });
    if ((queued === 0 && ingested + dropped >= calls) || Date.now() > deadline) {
      return { calls, errors, ingested, dropped, queued };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function benchGateway() {
  const started = [];
  const dataDir = mkdtempSync(join(tmpdir(), "promptline-bench-gateway-"));
  try {
    const { upstream, promptline } = await startUpstreamAndServer("gateway", {
      adminKey: ADMIN_KEY,
      dataDir,
      started,
    });
    const bareProxy = await startProcess("./servers/bare-proxy.mjs", {
      BENCH_UPSTREAM: upstream.url,
    });
    started.push(bareProxy);
    await seed(promptline.url, upstream.url);

    const directUrl = `${upstream.url}/v1/chat/completions`;
    const gatewayUrl = `${promptline.url}/v1/chat/completions`;
    const bareProxyUrl = `${bareProxy.url}/v1/chat/completions`;
    // The direct body is what the gateway sends upstream once the prompt is compiled in.
    const directBody = JSON.stringify({
      model: "gpt-4o-mini",
      temperature: 0.2,
      messages: [
        { role: "system", content: SYSTEM.replace("{{company}}", "Acme") },
        { role: "user", content: QUESTION },
      ],
    });
    const gatewayBody = JSON.stringify({
      model: `prompt:${NAME}`,
      messages: [{ role: "user", content: QUESTION }],
    });
    const directHeaders = { authorization: "Bearer sk-bench", "content-type": "application/json" };
    const gatewayHeaders = {
      authorization: `Bearer ${ADMIN_KEY}`,
      "content-type": "application/json",
    };
    const sample = await fetch(gatewayUrl, {
      method: "POST",
      headers: gatewayHeaders,
      body: gatewayBody,
    });
    const sampleText = await sample.text();
    if (sample.status !== 200) throw new Error(`gateway sample: ${sample.status} ${sampleText}`);

    const post = (body) => ({ method: "POST", body });
    const full = { connections: CONNECTIONS, pipelining: 1, duration: DURATION };
    // Warm each (JIT, connection pools, caches; the gateway's code takes longest to optimise),
    // then measure each back to back.
    await load(directUrl, directHeaders, { ...full, ...post(directBody), duration: 2 });
    await load(bareProxyUrl, gatewayHeaders, { ...full, ...post(gatewayBody), duration: 2 });
    const gatewayWarm = await load(gatewayUrl, gatewayHeaders, {
      ...full,
      ...post(gatewayBody),
      duration: GATEWAY_WARMUP_SECONDS,
    });
    const paced = { rate: RATE, seconds: DURATION, method: "POST" };
    const directPaced = await pacedLatency(directUrl, directHeaders, {
      ...paced,
      body: directBody,
    });
    const gatewayPaced = await pacedLatency(gatewayUrl, gatewayHeaders, {
      ...paced,
      body: gatewayBody,
    });
    const bareProxyPaced = await pacedLatency(bareProxyUrl, gatewayHeaders, {
      ...paced,
      body: gatewayBody,
    });
    // Where the CPU went during each full-load run: per request, and whether others interfered.
    const pids = { upstream: upstream.pid, server: promptline.pid };
    const { result: directFull, cpu: directCpu } = await withCpuAccounting(pids, () =>
      load(directUrl, directHeaders, { ...full, ...post(directBody) }),
    );
    const { result: bareProxyFull, cpu: bareProxyCpu } = await withCpuAccounting(
      { upstream: upstream.pid, server: bareProxy.pid },
      () => load(bareProxyUrl, gatewayHeaders, { ...full, ...post(gatewayBody) }),
    );
    const { result: gatewayFull, cpu: gatewayCpu } = await withCpuAccounting(pids, () =>
      load(gatewayUrl, gatewayHeaders, { ...full, ...post(gatewayBody) }),
    );
    const perRequest = (cpu, requests) =>
      Object.fromEntries(
        ["loadGenerator", "upstream", "server"].map((k) => [
          k,
          cpu[k] === null ? null : round((cpu[k] * 1e6) / requests, 1),
        ]),
      );

    const traces = await settledTraceMetrics(promptline.url);
    const latest = await adminApi(
      promptline.url,
      ADMIN_KEY,
      "GET",
      "/api/v1/traces?limit=1&status=ok",
    );
    const last = latest.items[0];
    // Every call the gateway answered 200 (sample, warm-up, paced with its warm-up, full load).
    const answered =
      1 +
      gatewayWarm.requests +
      gatewayPaced.requests +
      RATE /* paced warm-up second */ +
      gatewayFull.requests;

    const overheadP50Ms = round(gatewayPaced.p50 - directPaced.p50, 3);
    const result = {
      benchmark: "gateway",
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        note: "load generator, upstream and server share the cores",
      },
      requestBytes: { direct: directBody.length, gateway: gatewayBody.length },
      responseBytes: sampleText.length,
      latencyAt500rps: {
        direct: directPaced,
        gateway: gatewayPaced,
        overheadP50Ms,
        overheadP99Ms: round(gatewayPaced.p99 - directPaced.p99, 3),
        bareProxy: bareProxyPaced,
        bareProxyOverheadP50Ms: round(bareProxyPaced.p50 - directPaced.p50, 3),
        target: "overheadP50Ms <= 1",
      },
      throughput: {
        connections: CONNECTIONS,
        directRequestsPerSecond: round(directFull.requestsPerSecond),
        gatewayRequestsPerSecond: round(gatewayFull.requestsPerSecond),
        ratio: round(gatewayFull.requestsPerSecond / directFull.requestsPerSecond),
        bareProxyRequestsPerSecond: round(bareProxyFull.requestsPerSecond),
        ratioToBareProxy: round(gatewayFull.requestsPerSecond / bareProxyFull.requestsPerSecond),
        directLatencyMs: directFull.latencyMs,
        gatewayLatencyMs: gatewayFull.latencyMs,
        cpuMicrosPerRequest: {
          direct: perRequest(directCpu, directFull.requests),
          bareProxy: perRequest(bareProxyCpu, bareProxyFull.requests),
          gateway: perRequest(gatewayCpu, gatewayFull.requests),
        },
        cpuSeconds: { direct: directCpu, bareProxy: bareProxyCpu, gateway: gatewayCpu },
        target: "gateway >= 5000 req/s",
      },
      traces: {
        gatewayCalls: traces.calls,
        errorCalls: traces.errors,
        answeredByLoadAtLeast: answered,
        ingested: traces.ingested,
        dropped: traces.dropped,
        stillQueued: traces.queued,
        latest: last && {
          source: last.source,
          prompt: last.prompt,
          provider: last.provider,
          model: last.model,
          usage: last.usage,
        },
      },
    };
    const tracesOk =
      traces.calls >= answered &&
      traces.ingested + traces.dropped === traces.calls &&
      last?.source === "gateway";
    result.traces.ok = tracesOk;
    result.pass = overheadP50Ms <= 1 && gatewayFull.requestsPerSecond >= 5000 && tracesOk;
    const file = writeResult("gateway", result);

    console.log(
      `gateway: ${os.cpus().length} cores shared by the load generator (this process), the upstream and the server; ${DURATION}s per run`,
    );
    console.log(
      `  at ${RATE}/s     p50 direct ${directPaced.p50} ms, gateway ${gatewayPaced.p50} ms → overhead ${overheadP50Ms} ms (target ≤ 1 ms); p99 direct ${directPaced.p99} ms, gateway ${gatewayPaced.p99} ms`,
    );
    console.log(
      `  reference   bare node:http + undici proxy at ${RATE}/s: p50 ${bareProxyPaced.p50} ms (overhead ${result.latencyAt500rps.bareProxyOverheadP50Ms} ms), p99 ${bareProxyPaced.p99} ms`,
    );
    console.log(
      `  throughput  direct ${result.throughput.directRequestsPerSecond} req/s, gateway ${result.throughput.gatewayRequestsPerSecond} req/s → ratio ${result.throughput.ratio} (target ≥ 5000 req/s; ${CONNECTIONS} connections)`,
    );
    console.log(
      `  reference   bare node:http + undici proxy ${result.throughput.bareProxyRequestsPerSecond} req/s → gateway ×${result.throughput.ratioToBareProxy} of it`,
    );
    const cpuLine = (label, cpu, per) =>
      console.log(
        `  cpu ${label.padEnd(7)}     µs/request: load generator ${per.loadGenerator}, upstream ${per.upstream}, ${label === "direct" ? "server (idle)" : label} ${per.server}; ${describeOthers(cpu)}`,
      );
    cpuLine("direct", directCpu, result.throughput.cpuMicrosPerRequest.direct);
    cpuLine("proxy", bareProxyCpu, result.throughput.cpuMicrosPerRequest.bareProxy);
    cpuLine("gateway", gatewayCpu, result.throughput.cpuMicrosPerRequest.gateway);
    console.log(
      `  traces      ${traces.calls} gateway calls (≥ ${answered} answered 200 to the load; ${traces.errors} cut off as load runs ended, traced as errors), ${traces.ingested} ingested, ${traces.dropped} dropped, ${traces.queued} still queued; latest: ${last ? `${last.source} ${last.prompt?.name} v${last.prompt?.version} ${last.model}, ${last.usage.totalTokens} tokens` : "none"}${tracesOk ? "" : " — MISMATCH"}`,
    );
    console.log(`  ${result.pass ? "PASS" : "MISS"} — written to ${file}`);
    return result;
  } finally {
    for (const child of started.reverse()) await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
