import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Logger, pino } from "pino";
import { expect, inject } from "vitest";
import { type Config, loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server.js";

export type EngineKind = "sqlite" | "postgres";

/** The engines every storage and API suite runs against. */
export function testEngines(): EngineKind[] {
  return inject("postgresUrl") ? ["sqlite", "postgres"] : ["sqlite"];
}

export const TEST_ADMIN_KEY = "pl_test_admin_key_0123456789abcdef";

/** A fresh, empty database: a temp SQLite directory, or a new database on the test PostgreSQL server. */
export async function freshDatabase(
  kind: EngineKind,
): Promise<{ dataDir: string; databaseUrl?: string; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "promptline-test-"));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === "sqlite") return { dataDir, drop: removeDir };
  const base = inject("postgresUrl");
  if (!base) throw new Error("no PostgreSQL server for the tests");
  const name = `promptline_test_${Math.random().toString(36).slice(2, 12)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      await removeDir();
    },
  };
}

export interface TestServer extends RunningServer {
  adminKey: string;
  database: { dataDir: string; databaseUrl?: string };
  /** Calls the API as the given key (admin by default), returning status and parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on them
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  stop(): Promise<void>;
}

/** A real server on loopback with a real database, as a user would run it. */
export async function startTestServer(
  kind: EngineKind,
  database?: Awaited<ReturnType<typeof freshDatabase>>,
  /** Raw settings, as the flags of `promptline serve` would give them. */
  settings: Partial<Record<keyof Config, unknown>> = {},
  /** Where the server logs; nowhere by default. */
  log: Logger = pino({ level: "silent" }),
): Promise<TestServer> {
  const db = database ?? (await freshDatabase(kind));
  const config = loadConfig(
    {},
    {
      port: 0,
      dataDir: db.dataDir,
      databaseUrl: db.databaseUrl,
      initAdminKey: TEST_ADMIN_KEY,
      logLevel: "silent",
      ...settings,
    },
  );
  const server = await startServer(config, log);
  return {
    ...server,
    adminKey: TEST_ADMIN_KEY,
    database: db,
    async call(method, path, body, key = TEST_ADMIN_KEY) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: response.status, body: parsed as never, headers: response.headers };
    },
    async stop() {
      await server.close();
      if (!database) await db.drop();
    },
  };
}

/** `support/refund-agent` → `support%2Frefund-agent`, as URLs carry prompt names. */
export const enc = encodeURIComponent;

let namesGiven = 0;

/**
 * `prefix-N`, a name no earlier call in this test file gave: each test makes its own prompts,
 * keys and connections on the file's shared server instead of relying on another test's.
 */
export function uniqueName(prefix: string): string {
  namesGiven += 1;
  return `${prefix}-${namesGiven}`;
}

/** Creates the text prompt `name`, publishes `texts` in order as versions 1, 2, …; its API path. */
export async function createTextPrompt(
  server: TestServer,
  name: string,
  texts: string[] = [],
): Promise<string> {
  const path = `/api/v1/prompts/${enc(name)}`;
  expect((await server.call("POST", "/api/v1/prompts", { name, type: "text" })).status).toBe(201);
  for (const text of texts) {
    const published = await server.call("POST", `${path}/versions`, {
      commitMessage: text,
      content: { type: "text", text },
    });
    expect(published.status).toBe(201);
  }
  return path;
}
