// The soak's request mix, in its own process so the server's figures are not the load
// generator's: resolves, gateway calls, trace batches, draft saves, publishes and deploys, and
// bursts of bad keys. Each stream keeps a fixed pace in a closed loop (a slow server slows it
// down instead of piling requests up) and stops at the deadline. Driven over IPC:
//   → {start: {url, adminKey, viewerKey, gatewayPrompt, churnPrompts, seconds}}
//   ← {done: {counts, unexpected, samples}}
import http from "node:http";
import { exchange, Tally } from "./outcomes.mjs";

/** Paced lanes per stream, and requests per second per lane. */
const STREAMS = {
  resolve: { lanes: 4, rate: 25 },
  gateway: { lanes: 2, rate: 10 },
  ingest: { lanes: 1, rate: 2 },
  // Each step saves a draft; every fourth also publishes and deploys (0.5/s each).
  churn: { lanes: 1, rate: 2 },
};
const TRACES_PER_BATCH = 50;
const BAD_KEY_BURST = 100;
const BAD_KEY_CONCURRENCY = 10;

const tally = new Tally();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `step` `rate` times a second until `deadline`, never faster, and never to catch up. */
async function paced(rate, deadline, step) {
  const interval = 1000 / rate;
  let next = performance.now();
  while (performance.now() < deadline) {
    await step();
    next = Math.max(next + interval, performance.now());
    await sleep(next - performance.now());
  }
}

function traceBatch() {
  const start = Date.now();
  const traces = Array.from({ length: TRACES_PER_BATCH }, (_, i) => ({
    startTime: new Date(start + i).toISOString(),
    endTime: new Date(start + i + 700).toISOString(),
    prompt: { name: "soak/gateway", label: "production" },
    provider: "openai",
    model: "gpt-4o-mini",
    input: [{ role: "user", content: `Where is order A-${100000 + i}? It has not arrived yet.` }],
    output: { role: "assistant", content: "It left our warehouse yesterday; expect it Friday." },
    usage: { inputTokens: 40 + i, outputTokens: 20, totalTokens: 60 + i },
    userId: `user-${i % 7}`,
  }));
  return JSON.stringify({ traces });
}

function run({ url, adminKey, viewerKey, gatewayPrompt, churnPrompts, seconds }) {
  const deadline = performance.now() + seconds * 1000;
  const agent = new http.Agent({ keepAlive: true });
  const headers = (key) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
  const send = (method, path, key, body) =>
    exchange(`${url}${path}`, { agent, method, headers: headers(key), body });
  const promptPath = (name) => `/api/v1/prompts/${encodeURIComponent(name)}`;

  let resolves = 0;
  const resolve = async () => {
    const name = churnPrompts[resolves++ % churnPrompts.length];
    const path = `/api/v1/client/prompts/${encodeURIComponent(name)}?label=production`;
    tally.check("resolve", await send("GET", path, viewerKey), ["200"]);
  };

  const chat = JSON.stringify({
    model: `prompt:${gatewayPrompt}@production`,
    messages: [{ role: "user", content: "I was charged twice for order 1234. Please refund one." }],
  });
  const gateway = async () =>
    tally.check("gateway", await send("POST", "/v1/chat/completions", viewerKey, chat), ["200"]);

  const batch = traceBatch();
  const ingest = async () => {
    const answer = await send("POST", "/api/v1/traces", viewerKey, batch);
    if (answer.status === 200 && !answer.body.toString().endsWith('"rejected":[]}')) {
      tally.add("ingest", "200 with rejected traces", false, answer.body);
    } else {
      tally.check("ingest", answer, ["200"]);
    }
  };

  // Draft saves write events the change feed does not carry: the mix that once made it spin.
  let steps = 0;
  const churn = async () => {
    const step = steps++;
    const path = promptPath(churnPrompts[step % churnPrompts.length]);
    const draft = { type: "text", text: `draft ${step}: answer {{q}}` };
    tally.check("draft", await send("PUT", `${path}/draft`, adminKey, JSON.stringify(draft)), [
      "200",
    ]);
    if (step % 4 !== 3) return;
    const content = { type: "text", text: `v${step}: answer {{q}}` };
    const published = await send(
      "POST",
      `${path}/versions`,
      adminKey,
      JSON.stringify({ commitMessage: `soak step ${step}`, content }),
    );
    tally.check("publish", published, ["201"]);
    if (published.status !== 201) return;
    const { version } = JSON.parse(published.body);
    const deploy = JSON.stringify({ environment: "production", version, reason: "soak" });
    tally.check("deploy", await send("POST", `${path}/deployments`, adminKey, deploy), ["201"]);
  };

  return Promise.all([
    ...Object.entries({ resolve, gateway, ingest, churn }).flatMap(([name, step]) =>
      Array.from({ length: STREAMS[name].lanes }, () => paced(STREAMS[name].rate, deadline, step)),
    ),
    badKeyBursts(url, batch, chat, deadline, Math.min(10, seconds / 4)),
  ]).finally(() => agent.destroy());
}

/**
 * Every `everySeconds`, BAD_KEY_BURST requests with made-up keys across the API's doors. A 401
 * is the answer, or a 429 with Retry-After once failed authentication is rate-limited.
 */
async function badKeyBursts(url, traces, chat, deadline, everySeconds) {
  const agent = new http.Agent({ keepAlive: true });
  const doors = [
    ["GET", "/api/v1/client/prompts/soak%2Fchurn-0?label=production"],
    ["GET", "/api/v1/prompts"],
    ["GET", "/api/v1/changes"],
    ["POST", "/api/v1/traces", traces],
    ["POST", "/v1/chat/completions", chat],
  ];
  let sent = 0;
  const one = async () => {
    const [method, path, body] = doors[sent % doors.length];
    const key = `pl_${Math.random().toString(36).slice(2)}${sent++}`;
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const answer = await exchange(`${url}${path}`, { agent, method, headers, body });
    tally.check("badKey", answer, ["401", "429"]);
  };
  try {
    while (performance.now() + everySeconds * 1000 < deadline) {
      await sleep(everySeconds * 1000);
      let left = BAD_KEY_BURST;
      await Promise.all(
        Array.from({ length: BAD_KEY_CONCURRENCY }, async () => {
          while (left-- > 0 && performance.now() < deadline) await one();
        }),
      );
    }
  } finally {
    agent.destroy();
  }
}

process.on("message", async (message) => {
  if (!message.start) return;
  await run(message.start);
  process.send({ done: tally }, () => process.disconnect());
});

// The channel closes when this worker is done, or when the soak process went away: stop either way.
process.on("disconnect", () => process.exit(0));
