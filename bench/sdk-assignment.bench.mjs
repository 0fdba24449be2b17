// The SDK's getPrompt with a caller's context while a rollout runs on the label (assigned in
// memory from the delivered definition, after warm-up) against a bare Map.get, in the same run,
// measured in turns.
import { createClient } from "../packages/sdk/dist/index.js";
import { nsPerCallEach, round, startProcess, writeResult } from "./lib.mjs";

const ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
const NAME = "support/refund-agent";
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000_000);
const RUNS = 7;
/** Distinct callers, cycled through: each call builds its options as an app would. */
const USERS = Array.from({ length: 1024 }, (_, i) => `user-${i}`);

async function seed(url) {
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };
  const post = async (path, body) => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  const path = `/api/v1/prompts/${encodeURIComponent(NAME)}`;
  await post("/api/v1/prompts", { name: NAME, type: "text" });
  for (const text of ["Hello {{name}}", "Hi {{name}}"]) {
    await post(`${path}/versions`, { commitMessage: text, content: { type: "text", text } });
  }
  await post(`${path}/deployments`, { environment: "production", version: 1 });
  // A 25 % split behind a targeting rule that most callers miss: the rule is tried every call.
  await post(`${path}/rollouts`, {
    environment: "production",
    strategy: "split",
    candidates: [{ version: 2, weight: 2500 }],
    rules: [
      {
        conditions: [{ attribute: "plan", op: "equals", value: "internal" }],
        variants: [{ version: 2, weight: 10000 }],
      },
    ],
  });
}

export async function benchSdkAssignment() {
  const server = await startProcess("./servers/promptline.mjs", { BENCH_ADMIN_KEY: ADMIN_KEY });
  await seed(server.url);
  const client = createClient({ baseUrl: server.url, apiKey: ADMIN_KEY, stream: false });
  try {
    // The first call fetches the label and its candidate; every later one answers from memory.
    await client.getPrompt(NAME, { context: { userId: USERS[0] } });
    const prompt = await client.getPrompt(NAME);
    if (!prompt.rollout) throw new Error("the label was resolved without its rollout");
    const map = new Map([[`${NAME}@production`, prompt]]);
    let sink = 0;
    let candidates = 0;
    const ns = await nsPerCallEach(
      {
        mapGet: async (n) => {
          for (let i = 0; i < n; i++) sink += map.get(`${NAME}@production`).version;
        },
        plain: async (n) => {
          for (let i = 0; i < n; i++) sink += (await client.getPrompt(NAME)).version;
        },
        assigned: async (n) => {
          for (let i = 0; i < n; i++) {
            const served = await client.getPrompt(NAME, { context: { userId: USERS[i & 1023] } });
            if (served.variant === "candidate") candidates++;
          }
        },
        assignedCached: async (n) => {
          for (let i = 0; i < n; i++) {
            const context = { userId: USERS[i & 1023] };
            sink += client.getCachedPrompt(NAME, { context }).version;
          }
        },
      },
      CALLS,
      RUNS,
    );
    const { mapGet, plain, assigned, assignedCached } = ns;
    if (sink === 0) throw new Error("no calls were made");
    const candidateShare = candidates / (RUNS * CALLS);
    const result = {
      benchmark: "sdk-assignment",
      date: new Date().toISOString(),
      calls: CALLS,
      users: USERS.length,
      rollout: "split: 25 % candidate, one targeting rule tried first",
      candidateShare: round(candidateShare, 4),
      mapGetNs: round(mapGet),
      getPromptNs: round(plain),
      getPromptWithContextNs: round(assigned),
      getCachedPromptWithContextNs: round(assignedCached),
      getPromptWithContextRatio: round(assigned / mapGet),
      getCachedPromptWithContextRatio: round(assignedCached / mapGet),
      target: "getPrompt with context on a rollout within 20× of Map.get",
    };
    result.pass = result.getPromptWithContextRatio <= 20;
    const file = writeResult("sdk-assignment", result);
    console.log(
      `sdk-assignment: Map.get ${result.mapGetNs} ns; getPrompt ${result.getPromptNs} ns; getPrompt with context ${result.getPromptWithContextNs} ns (×${result.getPromptWithContextRatio}; target ≤ 20×): ${result.pass ? "PASS" : "MISS"}; getCachedPrompt with context ${result.getCachedPromptWithContextNs} ns (×${result.getCachedPromptWithContextRatio}); candidate share ${result.candidateShare}`,
    );
    console.log(`  written to ${file}`);
    return result;
  } finally {
    await client.close();
    await server.stop();
  }
}
