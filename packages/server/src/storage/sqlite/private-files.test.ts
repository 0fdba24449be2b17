import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDatabase, startTestServer } from "../../test-support/harness.js";

const DATABASE_FILES = ["promptline.db", "promptline.db-wal", "promptline.db-shm"];

/** The permission bits of each database file that exists, e.g. { "promptline.db": "600" }. */
function modesIn(dataDir: string): Record<string, string> {
  const modes: Record<string, string> = {};
  for (const name of DATABASE_FILES) {
    const path = join(dataDir, name);
    if (existsSync(path)) modes[name] = (statSync(path).mode & 0o777).toString(8);
  }
  return modes;
}

const allPrivate = {
  "promptline.db": "600",
  "promptline.db-wal": "600",
  "promptline.db-shm": "600",
};

async function ingestTrace(server: Awaited<ReturnType<typeof startTestServer>>, id: string) {
  const trace = { id, startTime: new Date().toISOString(), model: "gpt-4o" };
  const ingested = await server.call("POST", "/api/v1/traces", { traces: [trace] });
  expect(ingested.body.accepted).toBe(1);
}

describe("SQLite database files", () => {
  it("are readable by the server's user only, through registry writes, trace ingestion and a restart", async () => {
    const database = await freshDatabase("sqlite");
    try {
      let server = await startTestServer("sqlite", database);
      expect(modesIn(database.dataDir)).toEqual(allPrivate);
      await server.call("POST", "/api/v1/prompts", { name: "modes/check", type: "text" });
      await ingestTrace(server, "mode-check-1");
      expect(modesIn(database.dataDir)).toEqual(allPrivate);
      // A clean stop removes the WAL and shared memory; the next start makes them anew.
      await server.stop();
      server = await startTestServer("sqlite", database);
      await ingestTrace(server, "mode-check-2");
      expect(modesIn(database.dataDir)).toEqual(allPrivate);
      await server.stop();
    } finally {
      await database.drop();
    }
  });

  it("left readable by others by an older version are tightened when the server opens them", async () => {
    const database = await freshDatabase("sqlite");
    try {
      for (const name of DATABASE_FILES) {
        // Empty files, as a crash can leave the WAL and shared memory: SQLite starts them afresh.
        writeFileSync(join(database.dataDir, name), "");
        chmodSync(join(database.dataDir, name), 0o644);
      }
      const server = await startTestServer("sqlite", database);
      expect(modesIn(database.dataDir)).toEqual(allPrivate);
      expect((await server.call("GET", "/api/v1/prompts")).status).toBe(200);
      await server.stop();
    } finally {
      await database.drop();
    }
  });

  it.each([
    ["keeps its secret there", {}],
    ["is given its secret", { secretKey: "ab".repeat(32) }],
  ])(
    "live in a data directory that is private to the server's user when the server creates it and %s",
    async (_, settings) => {
      const parent = mkdtempSync(join(tmpdir(), "promptline-test-"));
      const dataDir = join(parent, "not", "yet");
      const database = {
        dataDir,
        drop: async () => rmSync(parent, { recursive: true, force: true }),
      };
      try {
        const server = await startTestServer("sqlite", database, settings);
        expect((statSync(dataDir).mode & 0o777).toString(8)).toBe("700");
        await server.stop();
      } finally {
        await database.drop();
      }
    },
  );
});
