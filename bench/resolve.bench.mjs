// Resolve endpoint (the client API's hot path) against a bare node:http server returning the same
// bytes, both measured here in the same run: throughput at full load, and p50/p99 at 1,000 req/s.
import os from "node:os";
import { load, pacedLatency, round, startProcess, writeResult } from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const auth = { authorization: `Bearer ${ADMIN_KEY}` };

async function api(url, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

export async function benchResolve() {
  const promptline = await startProcess("./servers/promptline.mjs", { BENCH_ADMIN_KEY: ADMIN_KEY });
  const name = encodeURIComponent("support/refund-agent");
  await api(promptline.url, "POST", "/api/v1/prompts", {
    name: "support/refund-agent",
    type: "chat",
  });
  await api(promptline.url, "POST", `/api/v1/prompts/${name}/versions`, {
    commitMessage: "bench",
    content: {
      type: "chat",
      messages: [
        {
          role: "system",
          content: "You are a refund agent for {{company}}. Be polite and precise.",
        },
        { type: "placeholder", name: "history" },
        { role: "user", content: "{{question}}" },
      ],
      variables: { company: { type: "string", default: "Acme" } },
      config: { provider: "openai", model: "gpt-4o", temperature: 0.2 },
    },
  });
  await api(promptline.url, "POST", `/api/v1/prompts/${name}/deployments`, {
    environment: "production",
    version: 1,
  });
  const path = `/api/v1/client/prompts/${name}?label=production`;
  const sample = await fetch(`${promptline.url}${path}`, { headers: auth });
  const body = await sample.text();
  const headers = {
    "content-type": sample.headers.get("content-type"),
    etag: sample.headers.get("etag"),
  };
  const bare = await startProcess("./servers/bare.mjs", {
    BENCH_BODY: body,
    BENCH_HEADERS: JSON.stringify(headers),
  });

  try {
    const full = { connections: 32, pipelining: 1, duration: DURATION };
    const paced = { rate: 1000, seconds: DURATION };
    // Warm both (JIT, caches), then measure each back to back.
    await load(`${bare.url}${path}`, auth, { ...full, duration: 2 });
    await load(`${promptline.url}${path}`, auth, { ...full, duration: 2 });
    const bareFull = await load(`${bare.url}${path}`, auth, full);
    const plFull = await load(`${promptline.url}${path}`, auth, full);
    const barePaced = { latencyMs: await pacedLatency(`${bare.url}${path}`, auth, paced) };
    const plPaced = { latencyMs: await pacedLatency(`${promptline.url}${path}`, auth, paced) };

    const result = {
      benchmark: "resolve",
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      responseBytes: Buffer.byteLength(body),
      throughput: {
        bareRequestsPerSecond: round(bareFull.requestsPerSecond),
        promptlineRequestsPerSecond: round(plFull.requestsPerSecond),
        ratio: round(plFull.requestsPerSecond / bareFull.requestsPerSecond),
        target: ">= 0.6",
      },
      latencyAt1000rps: {
        bare: barePaced.latencyMs,
        promptline: plPaced.latencyMs,
        p50Ratio: round(plPaced.latencyMs.p50 / Math.max(barePaced.latencyMs.p50, 0.001)),
        p99Ratio: round(plPaced.latencyMs.p99 / Math.max(barePaced.latencyMs.p99, 0.001)),
        target: "promptline p99 < 5 ms",
      },
    };
    result.pass = result.throughput.ratio >= 0.6 && plPaced.latencyMs.p99 < 5;
    const file = writeResult("resolve", result);
    console.log(`resolve: ${result.responseBytes}-byte answer, ${DURATION}s per run`);
    console.log(
      `  throughput  bare ${result.throughput.bareRequestsPerSecond} req/s, promptline ${result.throughput.promptlineRequestsPerSecond} req/s → ratio ${result.throughput.ratio} (target ≥ 0.6)`,
    );
    console.log(
      `  at 1000/s   p50 bare ${barePaced.latencyMs.p50} ms, promptline ${plPaced.latencyMs.p50} ms (×${result.latencyAt1000rps.p50Ratio}); p99 bare ${barePaced.latencyMs.p99} ms, promptline ${plPaced.latencyMs.p99} ms (×${result.latencyAt1000rps.p99Ratio}; target < 5 ms)`,
    );
    console.log(`  ${result.pass ? "PASS" : "MISS"} — written to ${file}`);
    return result;
  } finally {
    await bare.stop();
    await promptline.stop();
  }
}
