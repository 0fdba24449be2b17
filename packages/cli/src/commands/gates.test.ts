import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertDataset, insertRun } from "../../../server/src/test-support/eval-rows.js";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { deployed, runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);
const dir = mkdtempSync(join(tmpdir(), "promptline-gates-"));

/** A prompt with v1 (1.0.0) serving `environment` and v2 (1.1.0) published after it. */
async function promptWithMinorChange(name: string, environment: string): Promise<void> {
  const path = `/api/v1/prompts/${encodeURIComponent(name)}`;
  await server.call("POST", "/api/v1/prompts", { name, type: "text" });
  for (const [text, bump] of [
    ["Refund politely.", undefined],
    ["Refund; cite policy.", "minor"],
  ]) {
    const published = await server.call("POST", `${path}/versions`, {
      commitMessage: String(text),
      content: { type: "text", text },
      ...(bump && { bump }),
    });
    expect(published.status).toBe(201);
  }
  await deployed(server, name, environment, 1);
}

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline gates and a gated deploy", () => {
  it("sets a policy from a file, shows it, and a refused deploy prints every unmet requirement", async () => {
    await insertDataset(server, "cli/refunds");
    await promptWithMinorChange("cli/gated", "staging");
    const file = join(dir, "policy.json");
    writeFileSync(
      file,
      JSON.stringify({
        minor: {
          requirements: [{ dataset: "cli/refunds", scorer: "exact", minMean: 0.8 }],
          maxLatencyMs: 1500,
        },
      }),
    );
    expect((await cli("gates", "set", "staging", "--file", file)).code).toBe(EXIT.ok);
    const shown = await cli("gates", "show", "staging");
    expect(shown.stdout).toContain("minor: cli/refunds · exact ≥ 0.8; mean latency ≤ 1500 ms");
    expect(shown.stdout).toContain("patch: no rule (passes freely)");

    const runId = await insertRun(server, {
      prompt: "cli/gated",
      dataset: "cli/refunds",
      version: 2,
      baseline: 1,
      meanLatencyMs: 1840,
      scores: [{ scorer: "exact", mean: 0.62 }],
    });
    const refused = await cli("deploy", "cli/gated", "2", "--env", "staging");
    expect(refused.code).toBe(EXIT.conflict);
    expect(refused.stderr.split("\n")).toEqual([
      "error: staging's gate refuses v2 (minor): 2 requirements are not met (409 conflict)",
      "  ✗ cli/refunds · exact: mean 0.62 (95 % 0.57–0.67, n=100) is below the 0.80 required",
      "  ✗ cli/refunds: mean latency 1,840 ms is above the 1,500 ms limit",
      `  run ${runId}: /evaluations/${runId}`,
      "an admin may deploy anyway with --override-reason '<why>' (recorded in the history)",
    ]);

    const checked = await cli("gates", "check", "cli/gated", "--version", "2", "--env", "staging");
    expect(checked.code).toBe(EXIT.failure);
    expect(checked.stdout).toContain("refuses (2 unmet)");
    expect(checked.stderr).toContain("error: the gate of staging would refuse cli/gated v2");

    const overridden = await cli(
      "deploy",
      "cli/gated",
      "2",
      "--env",
      "staging",
      "--override-reason",
      "customer escalation",
    );
    expect(overridden.code).toBe(EXIT.ok);
    expect(overridden.stdout).toBe(
      "deployed cli/gated: staging v1 → v2 through a failing gate: customer escalation",
    );
    expect((await cli("gates", "remove", "staging")).stdout).toBe("removed staging's gate policy");
  });

  it("says how to give a policy, and passes a check without one", async () => {
    const neither = await cli("gates", "set", "development");
    expect(neither.code).toBe(EXIT.usage);
    expect(neither.stderr).toContain("--file <policy.json> or --recommended <dataset>");
    await promptWithMinorChange("cli/free", "development");
    const checked = await cli("gates", "check", "cli/free", "--env", "development");
    expect(checked.code).toBe(EXIT.ok);
    expect(checked.stdout).toContain("passes");
    expect((await cli("gates", "show", "development")).stdout).toBe(
      "development has no gate policy: every deploy passes",
    );
  });
});
