import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freshDatabase, TEST_ADMIN_KEY, testEngines } from "../test-support/harness.js";

const main = fileURLToPath(new URL("../../../cli/bin/promptline.js", import.meta.url));

/** The built server as `npm start` runs it, in its own process so it can be killed outright. */
async function serve(database: Awaited<ReturnType<typeof freshDatabase>>) {
  if (!existsSync(new URL("../../../cli/dist/main.js", import.meta.url))) {
    throw new Error("packages/cli/dist is missing: run 'npm run build' (npm test does)");
  }
  const child = spawn(process.execPath, [main, "serve", "--port", "0", "--log-level", "silent"], {
    env: {
      ...process.env,
      PROMPTLINE_DATA_DIR: database.dataDir,
      PROMPTLINE_INIT_ADMIN_KEY: TEST_ADMIN_KEY,
      ...(database.databaseUrl && { DATABASE_URL: database.databaseUrl }),
    },
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await expect.poll(() => output, { timeout: 20_000 }).toMatch(/listening on http/);
  const url = /listening on (http:\/\/\S+)/.exec(output)?.[1] as string;
  return { child, url, exited };
}

const post = (url: string, body: string) =>
  fetch(`${url}/api/v1/traces`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
    body,
  });

describe.each(testEngines())("trace ingestion durability (%s)", (kind) => {
  it("keeps every acknowledged trace when the server is killed mid-ingestion", {
    timeout: 120_000,
  }, async () => {
    const database = await freshDatabase(kind);
    const first = await serve(database);
    const acknowledged: string[] = [];
    let batch = 0;
    let killed = false;
    const sender = async () => {
      while (!killed) {
        const n = batch++;
        const ids = Array.from({ length: 200 }, (_, i) => `kill-${n}-${i}`);
        const body = JSON.stringify({
          traces: ids.map((id) => ({
            id,
            startTime: new Date().toISOString(),
            model: "gpt-4o",
            input: [{ role: "user", content: `message ${id}` }],
            usage: { inputTokens: 10, outputTokens: 5 },
          })),
        });
        try {
          const response = await post(first.url, body);
          const result = (await response.json()) as { accepted: number; ids: string[] };
          if (response.status === 200) acknowledged.push(...result.ids);
        } catch {
          return; // the server died under this request: it was never acknowledged
        }
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    await expect.poll(() => acknowledged.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4000);
    first.child.kill("SIGKILL");
    killed = true;
    await Promise.all(senders);
    await first.exited;

    const second = await serve(database);
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: Response = await fetch(
          `${second.url}/api/v1/traces?limit=500${cursor ? `&cursor=${cursor}` : ""}`,
          { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } },
        );
        const body = (await page.json()) as {
          items: Array<{ id: string }>;
          nextCursor: string | null;
        };
        for (const item of body.items) stored.add(item.id);
        cursor = body.nextCursor;
      } while (cursor);
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
      await database.drop();
    }
  });
});
