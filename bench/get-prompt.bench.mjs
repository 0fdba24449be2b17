// The SDK's cached getPrompt, per call, against a bare Map.get of the same object, in the same
// run. Both the awaited getPrompt and the synchronous getCachedPrompt are measured.
import { createClient } from "../packages/sdk/dist/index.js";
import { round, startProcess, nsPerCall as timed, writeResult } from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const NAME = "support/refund-agent";
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000_000);
const nsPerCall = (fn) => timed(fn, CALLS);

export async function benchGetPrompt() {
  const server = await startProcess("./servers/promptline.mjs", { BENCH_ADMIN_KEY: ADMIN_KEY });
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };
  const post = (path, body) =>
    fetch(`${server.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const path = `/api/v1/prompts/${encodeURIComponent(NAME)}`;
  await post("/api/v1/prompts", { name: NAME, type: "text" });
  await post(`${path}/versions`, {
    commitMessage: "v1",
    content: { type: "text", text: "Hello {{name}}" },
  });
  await post(`${path}/deployments`, { environment: "production", version: 1 });
  const client = createClient({ baseUrl: server.url, apiKey: ADMIN_KEY, stream: false });
  try {
    const prompt = await client.getPrompt(NAME);
    const map = new Map([[`${NAME}@production`, prompt]]);
    let sink = 0;
    const mapGet = await nsPerCall(async (n) => {
      for (let i = 0; i < n; i++) sink += map.get(`${NAME}@production`).version;
    });
    const cached = await nsPerCall(async (n) => {
      for (let i = 0; i < n; i++) sink += client.getCachedPrompt(NAME).version;
    });
    const awaited = await nsPerCall(async (n) => {
      for (let i = 0; i < n; i++) sink += (await client.getPrompt(NAME)).version;
    });
    if (sink === 0) throw new Error("no calls were made");
    const result = {
      benchmark: "get-prompt",
      date: new Date().toISOString(),
      calls: CALLS,
      mapGetNs: round(mapGet),
      getCachedPromptNs: round(cached),
      getPromptAwaitedNs: round(awaited),
      getCachedPromptRatio: round(cached / mapGet),
      getPromptRatio: round(awaited / mapGet),
      target: "getPrompt within 20× of Map.get (sub-microsecond)",
    };
    result.pass = result.getPromptRatio <= 20 && awaited < 1_000;
    const file = writeResult("get-prompt", result);
    console.log(
      `get-prompt: Map.get ${result.mapGetNs} ns; getCachedPrompt ${result.getCachedPromptNs} ns (×${result.getCachedPromptRatio}); await getPrompt ${result.getPromptAwaitedNs} ns (×${result.getPromptRatio}; target ≤ 20×): ${result.pass ? "PASS" : "MISS"}`,
    );
    console.log(`  written to ${file}`);
    return result;
  } finally {
    await client.close();
    await server.stop();
  }
}
