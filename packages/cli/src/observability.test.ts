import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestServer,
  type TestServer,
  uniqueName,
} from "../../server/src/test-support/harness.js";
import { EXIT } from "./errors.js";
import { runCli } from "./program.js";

let server: TestServer;

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { PROMPTLINE_URL: server.url, PROMPTLINE_API_KEY: server.adminKey, ...env },
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline CLI: providers, prices, traces", () => {
  it("connects providers with the key taken from an environment variable and shows it masked", async () => {
    const added = await cli(
      ["providers", "add", "openai", "--kind", "openai", "--key-env", "OPENAI_API_KEY"],
      { OPENAI_API_KEY: "sk-cli-test-key-abcdefgh9876" },
    );
    expect(added).toMatchObject({ code: 0, stdout: "connected openai provider 'openai'" });
    expect((await cli(["providers", "add", "dry", "--kind", "echo"])).code).toBe(0);
    const listed = await cli(["providers", "list"]);
    expect(listed.stdout).toContain("…9876");
    expect(listed.stdout).not.toContain("sk-cli-test-key");
    const missing = await cli(["providers", "add", "x", "--kind", "openai", "--key-env", "NOPE"]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain("NOPE");
    expect((await cli(["providers", "set", "openai", "--no-key"])).code).toBe(0);
    expect((await cli(["providers", "list"])).stdout).not.toContain("…9876");
    expect((await cli(["providers", "remove", "openai"])).code).toBe(0);
  });

  it("sets and lists model prices", async () => {
    expect((await cli(["prices", "set", "my-model", "--input", "1.5", "--output", "3"])).code).toBe(
      0,
    );
    const listed = await cli(["--json", "prices", "list"]);
    const items = JSON.parse(listed.stdout).items as Array<{ model: string; source: string }>;
    expect(items.find((p) => p.model === "my-model")?.source).toBe("project");
    expect(
      (await cli(["prices", "set", "my-model", "--input", "cheap", "--output", "3"])).code,
    ).toBe(EXIT.usage);
  });

  it("lists and shows traces, scores them, and compares versions", async () => {
    const model = uniqueName("my-model");
    expect((await cli(["prices", "set", model, "--input", "1.5", "--output", "3"])).code).toBe(0);
    await server.call("POST", "/api/v1/traces", {
      traces: [
        {
          id: "cli-trace-1",
          startTime: new Date().toISOString(),
          prompt: { name: "ops/summary", version: 2 },
          model,
          usage: { inputTokens: 1_000_000, outputTokens: 0 },
          latencyMs: 120,
        },
      ],
    });
    const listed = await cli(["traces", "list", "--prompt", "ops/summary"]);
    expect(listed.stdout).toContain("cli-trace-1");
    expect(listed.stdout).toContain("$1.500000");
    const shown = await cli(["traces", "show", "cli-trace-1"]);
    expect(JSON.parse(shown.stdout).latencyMs).toBe(120);
    expect((await cli(["feedback", "cli-trace-1", "up"])).stdout).toBe(
      "scored cli-trace-1: feedback = 1",
    );
    expect((await cli(["feedback", "cli-trace-1", "meh"])).code).toBe(EXIT.usage);
    const metrics = await cli(["metrics", "ops/summary"]);
    expect(metrics.code).toBe(0);
    expect(metrics.stdout).toMatch(/v2\s+│\s+1\s+│\s+0\.0%\s+│\s+120 ms/);
    expect(metrics.stdout).toContain("1.00 (1)");
    expect((await cli(["traces", "show", "nope-nope-nope"])).code).toBe(EXIT.notFound);
  });
});
