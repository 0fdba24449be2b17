import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuardrailCheck } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestServer,
  type TestServer,
  uniqueName,
} from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { deployed, publishedTextPrompt, runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);
const dir = mkdtempSync(join(tmpdir(), "promptline-rollout-"));

/** A prompt with three versions, v1 serving production. */
async function servedPrompt(): Promise<string> {
  const name = uniqueName("support/refund");
  await publishedTextPrompt(server, name, ["One.", "Two.", "Three."]);
  await deployed(server, name, "production", 1);
  return name;
}

/** Calls an application made through the rollout, as the SDK would report them. */
async function calls(name: string, version: number, variant: string, ok: number, failed = 0) {
  const traces = Array.from({ length: ok + failed }, (_, i) => ({
    startTime: new Date().toISOString(),
    prompt: { name, version, label: "production" },
    variant,
    latencyMs: 100,
    status: i < failed ? "error" : "ok",
  }));
  const { body } = await server.call("POST", "/api/v1/traces", { traces });
  expect(body.accepted).toBe(traces.length);
}

/** `promptline rollout <command> <name> --env production …`, the flags split at spaces. */
const rollout = (command: string, name: string, flags = "", ...more: string[]) =>
  cli(
    "rollout",
    command,
    name,
    "--env",
    "production",
    ...flags.split(" ").filter(Boolean),
    ...more,
  );

const CANARY = "--candidate 2 --canary 5,25,100 --hold 30m";

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline rollout", () => {
  it("starts a guarded canary, shows its status, advances, pauses, resumes and aborts it", async () => {
    const name = await servedPrompt();
    const guards = "--guard error_rate<+2% --guard p95_latency<+300ms";
    const started = await rollout("start", name, `${CANARY} ${guards}`, "-r", "shorter answers");
    expect(started.code).toBe(EXIT.ok);
    const id = Number(/rollout #(\d+)/.exec(started.stdout)?.[1]);
    expect(started.stdout.split("\n")).toEqual([
      `started canary rollout #${id} of ${name} on production: v2 5 % · v1 (control) 95 %`,
      "steps: [5 %] → 25 % → 100 %, each held 30 min before it widens",
      "guardrails: error_rate<+2%, p95_latency<+300ms (on breach: rollback)",
      `watch it: promptline rollout status ${name} --env production --watch`,
    ]);

    await calls(name, 2, "candidate", 38, 2);
    await calls(name, 1, "control", 760);
    // One look of the guardrail monitor, as it records it.
    const look: GuardrailCheck = {
      metric: "error_rate",
      candidateVersion: 2,
      state: "unknown",
      reason: "error_rate: 40 of the 100 observations needed per arm",
      control: { n: 760, mean: 0, variance: 0 },
      candidate: { n: 40, mean: 0.05, variance: 0.0475 },
      difference: 0.05,
      low: -0.02,
      high: 0.12,
      pValue: 1,
      allowed: 0.02,
    };
    await server.services.rollouts.recordChecks(id, [look]);

    const status = await rollout("status", name);
    expect(status.code).toBe(EXIT.ok);
    const lines = status.stdout.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      `rollout #${id} of ${name} on production: canary, running`,
      "control v1 · candidate v2 · unit userId · on breach: rollback · 100 calls per arm before a verdict",
      expect.stringMatching(/^started by apikey:admin at \S+: shorter answers$/),
      expect.stringMatching(/^step 1 of 3 \(5 %, held 30 min\) since \S+: \[5 %\] → 25 % → 100 %$/),
      "serving: v2 5 % · v1 (control) 95 %",
    ]);
    expect(status.stdout).toContain("traffic (800 calls since it started):");
    expect(status.stdout).toMatch(/│ v2 +│ candidate │ 40 +│ 5 % +│ 2 +│ 5 % +│/);
    expect(status.stdout).toMatch(/│ v1 +│ control +│ 760 +│ 95 % +│ 0 +│ 0 % +│/);
    expect(status.stdout).toMatch(
      /│ error_rate<\+2% +│ v2 5 % \(n=40\) +│ 0 % \(n=760\) +│ \+5 pp \(−2 pp to \+12 pp\) +│ \+2 pp +│ unknown: 40 of the 100 observations needed per arm │/,
    );
    expect(status.stdout).toMatch(/│ p95_latency<\+300ms +│ — +│ — +│ — +│ — +│ no look yet +│/);
    expect(status.stdout).toMatch(/│ start +│ apikey:admin +│ 1 +│ shorter answers +│/);

    const json = JSON.parse((await rollout("status", name, "--json")).stdout);
    expect(json).toMatchObject({
      id,
      status: "running",
      traffic: expect.arrayContaining([{ version: 2, variant: "candidate", calls: 40, errors: 2 }]),
      checks: [{ checks: [look] }],
      decisions: [{ action: "start", reason: "shorter answers" }],
    });

    expect((await rollout("advance", name)).stdout).toBe(
      `advanced rollout #${id} of ${name} on production: step 2 of 3, v2 25 % · v1 (control) 75 %`,
    );
    const paused = await rollout("pause", name, "-r weekend");
    expect(paused.stdout).toBe(
      `paused rollout #${id} of ${name} on production: step 2 of 3, v2 25 % · v1 (control) 75 %`,
    );
    const again = await rollout("pause", name);
    expect(again).toMatchObject({
      code: EXIT.conflict,
      stderr: `error: rollout #${id} is already paused (409 conflict)`,
    });
    const resumed = await rollout("resume", name, "--json");
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id, status: "running", revision: 4 });

    const aborted = await rollout("abort", name, "--yes");
    expect(aborted.stdout).toBe(
      `aborted rollout #${id} of ${name} on production: production serves v1 again`,
    );
    const ended = await rollout("status", name);
    expect(ended.stdout.split("\n")[0]).toBe(
      `rollout #${id} of ${name} on production: canary, aborted`,
    );
    expect(ended.stdout).toMatch(/^aborted by apikey:admin at \S+: abort by apikey:admin$/m);
    expect(ended.stdout).toMatch(/│ pause +│ apikey:admin +│ 2 +│ weekend +│/);
    expect(ended.stdout).toMatch(/│ advance +│ apikey:admin +│ 1→2 +│/);
    const history = await cli("--json", "history", name, "--env", "production");
    expect(JSON.parse(history.stdout).items[0]).toMatchObject({ kind: "rollback", toVersion: 1 });
    expect((await rollout("advance", name)).code).toBe(EXIT.notFound);
  });

  it("splits between two candidates with targeting rules, and promotes the one named", async () => {
    const name = await servedPrompt();
    const rules = join(dir, "rules.yaml");
    writeFileSync(
      rules,
      `- description: beta customers
  conditions: [{ attribute: plan, op: in, values: [beta] }]
  variants: [{ version: 3 }]
`,
    );
    const started = await rollout(
      "start",
      name,
      `--json --candidate 2 --candidate 3 --split 30,20 --rules ${rules}`,
      ...["--unit", "accountId", "--on-breach", "pause"],
    );
    expect(started.code).toBe(EXIT.ok);
    const split = JSON.parse(started.stdout);
    expect(split).toMatchObject({
      strategy: "split",
      unit: "accountId",
      onBreach: "pause",
      split: [
        { version: 2, weight: 3000 },
        { version: 3, weight: 2000 },
        { version: 1, weight: 5000 },
      ],
      rules: [{ description: "beta customers", variants: [{ version: 3, weight: 10000 }] }],
    });
    const status = await cli("rollout", "status", name, "--id", String(split.id));
    expect(status.stdout).toContain("serving: v2 30 % · v3 20 % · v1 (control) 50 %");
    expect(status.stdout).toContain('  1. plan in ["beta"] → v3 100 % (beta customers)');

    const listed = await cli("rollout", "list", "--active");
    expect(listed.stdout).toMatch(
      new RegExp(`│ ${split.id} +│ ${name} │ production +│ split +│ running +│ v1 → v2, v3 +│`),
    );
    const unnamed = await rollout("promote", name, "--yes");
    expect(unnamed).toMatchObject({
      code: EXIT.usage,
      stderr: `error: rollout #${split.id} has several candidates (v2, v3): name the one to promote with --version`,
    });
    const promoted = await rollout("promote", name, "--version 3 --yes");
    expect(promoted.stdout).toBe(
      `promoted rollout #${split.id} of ${name} on production: production now serves v3`,
    );
    const resolved = await cli("--json", "resolve", name, "--label", "production");
    expect(JSON.parse(resolved.stdout).version).toBe(3);
    const list = JSON.parse((await cli("--json", "rollout", "list", name)).stdout);
    expect(list.items).toMatchObject([{ id: split.id, status: "promoted" }]);
  });

  it("asks before promoting or aborting, and needs --yes where nobody can answer", async () => {
    const name = await servedPrompt();
    await rollout("start", name, "--candidate 2 --split 10");
    const questions: string[] = [];
    const answer = (yes: boolean) => ({
      confirm: async (question: string) => {
        questions.push(question);
        return yes;
      },
    });
    const noTerminal = await rollout("promote", name);
    expect(noTerminal.code).toBe(EXIT.usage);
    expect(noTerminal.stderr).toMatch(/pass --yes to confirm \(there is no terminal to ask on\)$/);

    const declined = await runAgainst(
      server,
      ["rollout", "abort", name, "-e", "production"],
      {},
      answer(false),
    );
    expect(declined.code).toBe(EXIT.failure);
    expect(declined.stderr).toMatch(/^error: not confirmed: rollout #\d+ goes on unchanged$/);
    expect(questions).toEqual([
      expect.stringMatching(
        new RegExp(
          `^abort rollout #\\d+: production serves ${name} v1 to everyone again \\(now v2 10 % · v1 \\(control\\) 90 %\\)\\?$`,
        ),
      ),
    ]);
    const status = JSON.parse((await rollout("status", name, "--json")).stdout);
    expect(status.status).toBe("running");

    const accepted = await runAgainst(
      server,
      ["rollout", "promote", name, "-e", "production"],
      {},
      answer(true),
    );
    expect(accepted.code).toBe(EXIT.ok);
    expect(questions[1]).toMatch(
      new RegExp(`^promote rollout #\\d+: production serves ${name} v2 to everyone`),
    );
  });

  it("refuses a deploy while a rollout runs, and a second rollout, with the server's message", async () => {
    const name = await servedPrompt();
    await rollout("start", name, "--candidate 2 --split 50");
    const deploy = await cli("deploy", name, "3", "--env", "production");
    expect(deploy.code).toBe(EXIT.conflict);
    expect(deploy.stderr).toMatch(
      /^error: rollout #\d+ \(v1 → v2\) is running on 'production': promote or abort it before moving the label \(409 conflict\)$/,
    );
    const second = await rollout("start", name, "--candidate 3 --split 5");
    expect(second.code).toBe(EXIT.conflict);
    expect(second.stderr).toMatch(
      /is already running on 'production': end it \(promote or abort\) before starting another/,
    );
  });

  it("says what to fix in --canary, --guard and --rules, and starts nothing", async () => {
    const name = await servedPrompt();
    const start = (flags: string) => rollout("start", name, flags);
    expect(await start("--candidate 2 --canary 5,50 --hold 30m")).toMatchObject({
      code: EXIT.usage,
      stderr:
        "error: --canary '5,50': the last step gives the candidate everyone (10000 basis points)",
    });
    expect(await start(`${CANARY} --guard latency<300`)).toMatchObject({
      code: EXIT.usage,
      stderr:
        "error: --guard 'latency<300': 'latency' is not a metric — use error_rate, p95_latency, cost_per_call, feedback or score:<name>",
    });
    const rules = join(dir, "bad.yaml");
    writeFileSync(
      rules,
      "- conditions: [{ attribute: plan, op: equals, value: pro }]\n  variants: [{ version: 2, percent: 40 }]\n",
    );
    expect(await start(`--candidate 2 --split 10 --rules ${rules}`)).toMatchObject({
      code: EXIT.usage,
      stderr: `error: ${rules} has a mistake\n  ✗ rule 1, variants: a rule's weights add up to 10000 (100 %)`,
    });
    const unknown = await start("--candidate 9 --split 10");
    expect(unknown.code).toBe(EXIT.notFound);
    expect(unknown.stderr).toMatch(/^error: .*\b9\b.* \(404 not_found\)$/);
    expect(JSON.parse((await cli("--json", "rollout", "list", name)).stdout).items).toEqual([]);
    expect(await rollout("status", name)).toMatchObject({
      code: EXIT.notFound,
      stderr: `error: ${name} has had no rollout on production`,
    });
    expect((await cli("rollout", "status", name)).stderr).toBe(
      "error: say which rollout: --env <environment> for the one it runs, or --id <rollout>",
    );
  });

  it("watches a rollout until it ends, one JSON line a look, exit 1 when not promoted", async () => {
    const name = await servedPrompt();
    const started = JSON.parse((await rollout("start", name, `--json ${CANARY}`)).stdout);
    const watching = rollout("status", name, "--json --watch --interval 1");
    await rollout("abort", name, "--yes", "--reason", "wrong wording");
    const watched = await watching;
    expect(watched.code).toBe(EXIT.failure);
    expect(watched.stderr).toBe(`error: rollout #${started.id} was aborted: wrong wording`);
    const looks = watched.stdout.split("\n").map((line) => JSON.parse(line));
    expect(looks.at(-1)).toMatchObject({ id: started.id, status: "aborted" });
  });

  it("a viewer key reads rollouts but may not change them", async () => {
    const name = await servedPrompt();
    await rollout("start", name, "--candidate 2 --split 50");
    const viewer = await server.call("POST", "/api/v1/api-keys", {
      name: "rollout-viewer",
      role: "viewer",
    });
    const as = (...argv: string[]) =>
      runAgainst(server, argv, { PROMPTLINE_API_KEY: viewer.body.key });
    expect((await as("rollout", "status", name, "-e", "production")).code).toBe(EXIT.ok);
    const refused = await as("rollout", "pause", name, "-e", "production");
    expect(refused.code).toBe(EXIT.auth);
    expect(refused.stderr).toMatch(/^error: .+ \(403 \S+\)$/);
  });
});
