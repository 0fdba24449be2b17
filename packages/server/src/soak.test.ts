import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freshDatabase, testEngines } from "./test-support/harness.js";

const SOAK = fileURLToPath(new URL("../../../bench/soak.bench.mjs", import.meta.url));
const SECONDS = 20;

interface SoakReport {
  answers: Record<string, Record<string, number>>;
  unexpected: number;
  unexpectedSamples: { kind: string; outcome: string; detail: string }[];
  load: { subscribers: { connections: number } };
  rssMb: { peak: number | null };
}

/**
 * The short soak of bench/soak.bench.mjs on one engine: the built server in its own process under
 * mixed load (2,000 reconnecting feed subscribers among it), its report as the bench writes it.
 */
async function soak(engine: string, databaseUrl?: string): Promise<SoakReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [SOAK], {
    env: {
      ...process.env,
      BENCH_SOAK_ENGINE: engine,
      BENCH_SOAK_SECONDS: String(SECONDS),
      ...(databaseUrl && { BENCH_DATABASE_URL: databaseUrl }),
    },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 200_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
}

describe.each(testEngines())("a short soak on %s", (engine) => {
  it("under mixed load the server answers every request as it should, every /healthz with 200, and stays within 500 MB", async () => {
    const database = engine === "postgres" ? await freshDatabase("postgres") : undefined;
    try {
      const report = await soak(engine, database?.databaseUrl);
      expect(report.unexpectedSamples).toEqual([]);
      expect(report.unexpected).toBe(0);
      for (const phase of ["healthz (idle)", "healthz (warm-up)", "healthz"]) {
        expect(Object.keys(report.answers[phase] ?? {}), phase).toEqual(["200"]);
      }
      expect(report.rssMb.peak).not.toBeNull();
      expect(report.rssMb.peak).toBeLessThanOrEqual(500);
      // The load ran: every kind of request was answered, and every subscriber connected.
      const served = (kind: string, status: string) => report.answers[kind]?.[status] ?? 0;
      const due: [string, string][] = [
        ["resolve", "200"],
        ["gateway", "200"],
        ["ingest", "200"],
        ["draft", "200"],
        ["publish", "201"],
        ["deploy", "201"],
      ];
      for (const [kind, status] of due) {
        expect(served(kind, status), `${kind} answered ${status}`).toBeGreaterThan(0);
      }
      expect(served("badKey", "401") + served("badKey", "429")).toBeGreaterThan(0);
      expect(report.load.subscribers.connections).toBeGreaterThanOrEqual(2000);
    } finally {
      await database?.drop();
    }
  }, 240_000);
});
