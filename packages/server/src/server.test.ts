import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { hashApiKey } from "./apiKey/service.js";
import { ConfigError, loadConfig } from "./config.js";
import { startServer } from "./server.js";
import { freshDatabase, testEngines } from "./test-support/harness.js";

const silent = pino({ level: "silent" });

describe("configuration", () => {
  it("reads the documented environment variables, flags first", () => {
    const config = loadConfig(
      { PROMPTLINE_HOST: "0.0.0.0", PROMPTLINE_PORT: "9000", PROMPTLINE_DATA_DIR: "/tmp/pl" },
      { port: 9100 },
    );
    expect(config).toMatchObject({ host: "0.0.0.0", port: 9100, dataDir: "/tmp/pl" });
    expect(loadConfig({}).port).toBe(4680);
    expect(loadConfig({}).rolloutMonitorIntervalMs).toBe(10_000);
    expect(
      loadConfig({ PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS: "2500" }).rolloutMonitorIntervalMs,
    ).toBe(2500);
  });

  it("stops with a message naming the bad setting", () => {
    expect(() => loadConfig({ PROMPTLINE_PORT: "http" })).toThrow(ConfigError);
    expect(() => loadConfig({ PROMPTLINE_PORT: "70000" })).toThrow(
      "PROMPTLINE_PORT must be between 0 and 65535",
    );
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(
      "DATABASE_URL must start with postgres://",
    );
    expect(() => loadConfig({ PROMPTLINE_INIT_ADMIN_KEY: "short" })).toThrow(
      "PROMPTLINE_INIT_ADMIN_KEY",
    );
    expect(() => loadConfig({ PROMPTLINE_PORT: " " })).toThrow(
      "PROMPTLINE_PORT must be a whole number",
    );
    expect(() => loadConfig({ PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS: "50" })).toThrow(
      "PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS must be a whole number from 100 to 3600000",
    );
  });

  it("names the setting when the start fails on it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "promptline-config-"));
    const file = join(dataDir, "not-a-dir");
    writeFileSync(file, "");
    await expect(startServer(loadConfig({}, { port: 0, dataDir: file }), silent)).rejects.toThrow(
      /^PROMPTLINE_DATA_DIR: cannot (open the database|keep the server secret)/,
    );
    const unreachable = { port: 0, dataDir, databaseUrl: "postgres://nobody@127.0.0.1:9/none" };
    await expect(startServer(loadConfig({}, unreachable), silent)).rejects.toThrow(
      /^DATABASE_URL: cannot use the PostgreSQL database/,
    );
    const first = await startServer(loadConfig({}, { port: 0, dataDir }), silent);
    const taken = loadConfig({}, { port: first.port, dataDir: join(dataDir, "b") });
    await expect(startServer(taken, silent)).rejects.toThrow(
      `PROMPTLINE_PORT: port ${first.port} on 127.0.0.1 is already in use`,
    );
    // The start that failed to listen made no key it never showed: the next start shows one.
    const retried = await startServer(
      loadConfig({}, { port: 0, dataDir: join(dataDir, "b") }),
      silent,
    );
    expect(retried.generatedAdminKey).toMatch(/^pl_/);
    await retried.close();
    const foreign = loadConfig({}, { port: 0, host: "192.0.2.1", dataDir: join(dataDir, "c") });
    await expect(startServer(foreign, silent)).rejects.toThrow(
      "PROMPTLINE_HOST: '192.0.2.1' is not an address of this machine",
    );
    await first.close();
  });
});

describe.each(testEngines())("first start on %s", (engine) => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup = [];
  });

  it("creates the default project and an admin key, given once and stored as a hash", async () => {
    const db = await freshDatabase(engine);
    cleanup.push(db.drop);
    const config = loadConfig({}, { port: 0, dataDir: db.dataDir, databaseUrl: db.databaseUrl });
    const first = await startServer(config, silent);
    const key = first.generatedAdminKey;
    expect(key).toMatch(/^pl_/);
    const rows = await first.services.engine.db.selectFrom("apiKeys").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.keyHash).toBe(hashApiKey(key ?? ""));
    const envs = await fetch(`${first.url}/api/v1/environments`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect((await envs.json()).items.map((e: { name: string }) => e.name).sort()).toEqual([
      "development",
      "production",
      "staging",
    ]);
    await first.close();

    const second = await startServer(config, silent);
    cleanup.push(second.close);
    expect(second.generatedAdminKey).toBeUndefined();
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${second.url}/healthz`)).json()).toEqual({ status: "ok" });
  });

  it("uses PROMPTLINE_INIT_ADMIN_KEY headlessly, idempotently", async () => {
    const db = await freshDatabase(engine);
    cleanup.push(db.drop);
    const initAdminKey = "pl_headless_initial_admin_key_42";
    const config = loadConfig(
      { PROMPTLINE_INIT_ADMIN_KEY: initAdminKey },
      { port: 0, dataDir: db.dataDir, databaseUrl: db.databaseUrl },
    );
    for (let start = 0; start < 2; start++) {
      const server = await startServer(config, silent);
      expect(server.generatedAdminKey).toBeUndefined();
      const response = await fetch(`${server.url}/api/v1/api-keys`, {
        headers: { authorization: `Bearer ${initAdminKey}` },
      });
      expect((await response.json()).items).toHaveLength(1);
      await server.close();
    }
  });

  it("registers PROMPTLINE_INIT_PUBLIC_KEY / _SECRET_KEY as a Langfuse key pair, idempotently", async () => {
    const db = await freshDatabase(engine);
    cleanup.push(db.drop);
    const env = {
      PROMPTLINE_INIT_PUBLIC_KEY: "pk-lf-init",
      PROMPTLINE_INIT_SECRET_KEY: "sk-lf-initial-secret-0123456789",
    };
    const config = loadConfig(env, { port: 0, dataDir: db.dataDir, databaseUrl: db.databaseUrl });
    const basic = `Basic ${Buffer.from("pk-lf-init:sk-lf-initial-secret-0123456789").toString("base64")}`;
    for (let start = 0; start < 2; start++) {
      const server = await startServer(config, silent);
      const response = await fetch(`${server.url}/api/v1/api-keys`, {
        headers: { authorization: basic },
      });
      const keys = (await response.json()).items as Array<{ publicKey: string | null }>;
      expect(keys.map((k) => k.publicKey)).toEqual(expect.arrayContaining(["pk-lf-init", null]));
      expect(keys).toHaveLength(2);
      await server.close();
    }
    expect(() => loadConfig({ PROMPTLINE_INIT_PUBLIC_KEY: "pk-lf-init" })).toThrow(
      "set both or neither",
    );
    const otherPublic = loadConfig(
      { ...env, PROMPTLINE_INIT_PUBLIC_KEY: "pk-lf-other" },
      { port: 0, dataDir: db.dataDir, databaseUrl: db.databaseUrl },
    );
    await expect(startServer(otherPublic, silent)).rejects.toThrow(
      "PROMPTLINE_INIT_SECRET_KEY is already registered with another public key",
    );
    const otherSecret = loadConfig(
      { ...env, PROMPTLINE_INIT_SECRET_KEY: "sk-lf-another-secret-0123456789" },
      { port: 0, dataDir: db.dataDir, databaseUrl: db.databaseUrl },
    );
    await expect(startServer(otherSecret, silent)).rejects.toThrow(
      "PROMPTLINE_INIT_PUBLIC_KEY is already registered with another secret",
    );
  });
});
