import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../../../server/src/test-support/fake-openai.js";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { deployed, runAgainst } from "../test-support/cli.js";
import { datasetWithCases, echoPrompt, fakeProvider } from "../test-support/eval.js";

let server: TestServer;
let upstream: FakeUpstream;
const dir = mkdtempSync(join(tmpdir(), "promptline-eval-cli-"));
const cli = (...argv: string[]) => runAgainst(server, argv);
/** `promptline eval eval/reply --dataset eval/golden` with these flags. */
const evalGolden = (...flags: string[]) =>
  cli("eval", "eval/reply", "--dataset", "eval/golden", ...flags);
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Enough cases (10 or more) for the comparison to call a change. */
const QUESTIONS = [
  "refund",
  "invoice",
  "delivery",
  "password",
  "upgrade",
  "cancel",
  "address",
  "warranty",
  "discount",
  "login",
  "receipt",
  "exchange",
];
const PLEASE = '{"type":"contains","values":["Please"]}';
const EQUALS = '{"type":"equals"}';

/**
 * `eval/reply`: v1 sends the question as it is, v2 prefixes "Please: " (the fake answers
 * "echo: <message>"); production serves v1. `eval/golden` expects v1's answers.
 */
beforeAll(async () => {
  server = await startTestServer("sqlite");
  upstream = await fakeProvider(server);
  await echoPrompt(server, "eval/reply", ["{{question}}", "Please: {{question}}"]);
  await deployed(server, "eval/reply", "production", 1);
  await datasetWithCases(
    server,
    "eval/golden",
    QUESTIONS.map((q, i) => ({
      question: q,
      expected: `echo: ${q}`,
      tags: i === 0 ? ["edge"] : [],
    })),
  );
});
afterAll(async () => {
  await server?.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An environment serving v1 whose gate wants a mean of 0.9 for `equals` on a minor change. */
async function gatedEnvironment(name: string): Promise<void> {
  await server.call("POST", "/api/v1/environments", { name });
  await deployed(server, "eval/reply", name, 1);
  const policy = {
    minor: { requirements: [{ dataset: "eval/golden", scorer: "equals", minMean: 0.9 }] },
  };
  const set = await server.call("PUT", `/api/v1/environments/${name}/gate`, { policy });
  expect(set.status).toBe(200);
}

describe("promptline eval", () => {
  it("passes a better candidate: exit 0, the summary, and JUnit, markdown and JSON written", async () => {
    const junit = join(dir, "pass/junit.xml");
    const markdown = join(dir, "pass/report.md");
    const json = join(dir, "pass/eval.json");
    const run = await evalGolden(
      "--version",
      "2",
      "--scorer",
      PLEASE,
      "--min",
      "contains=0.9",
      "--no-regression",
      "--junit",
      junit,
      "--markdown",
      markdown,
      "--report-json",
      json,
    );
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain("eval/reply on eval/golden r1: 24/24 calls, 0 errors");
    expect(run.stdout).toMatch(/v2.*contains\s+1\.000 \[1\.000, 1\.000\]\s+0\.000/);
    expect(run.stdout).toContain("production has no gate policy");
    expect(run.stdout.trim().endsWith("PASSED")).toBe(true);

    const xml = new DOMParser().parseFromString(readFileSync(junit, "utf8"), "text/xml");
    const suites = xml.documentElement;
    expect(suites?.tagName).toBe("testsuites");
    // The candidate's one scorer, then the two thresholds (a minimum and no regression).
    expect(suites?.getAttribute("tests")).toBe("3");
    expect(suites?.getAttribute("failures")).toBe("0");
    expect(xml.getElementsByTagName("testcase")).toHaveLength(3);

    const report = readFileSync(markdown, "utf8");
    expect(report).toContain("### ✅ promptline eval: `eval/reply` on `eval/golden` (revision 1)");
    expect(report).toContain(
      "| Candidate | Scorer | Mean [95 % CI] | Baseline | Difference | Verdict |",
    );
    expect(report).toMatch(/\| v2[^|]* \| contains \| 1\.000 \[1\.000, 1\.000\] \| 0\.000/);

    const saved = JSON.parse(readFileSync(json, "utf8"));
    expect(saved).toMatchObject({ passed: true, gate: null, run: { status: "completed" } });
    expect(saved.thresholds).toHaveLength(2);

    // The run's scores are part of the version's metadata from now on.
    const shown = await runAgainst(server, ["show", "eval/reply", "--version", "2"]);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.stdout).toMatch(
      /evaluated on eval\/golden r1 \(run [^)]+\): contains 1\.00 \[1\.00, 1\.00\]/,
    );
  });

  it("fails a candidate below a threshold, or refused by the environment's gate: exit 1 with the reason", async () => {
    const below = await evalGolden("--version", "2", "--scorer", EQUALS, "--min", "equals=0.5");
    expect(below.code).toBe(EXIT.failure);
    expect(below.stdout).toMatch(/✗ v2[^\n]* · equals: mean 0\.000 is below the 0\.500 required/);
    expect(below.stderr).toMatch(
      /^error: the candidate did not pass: v2[^\n]* · equals: mean 0\.000 is below the 0\.500 required$/m,
    );

    await gatedEnvironment("gated");
    const refused = await evalGolden(
      "--version",
      "2",
      "--scorer",
      EQUALS,
      "--env",
      "gated",
      "--level",
      "minor",
    );
    expect(refused.code).toBe(EXIT.failure);
    expect(refused.stdout).toContain("Gate of gated for a minor change: refuses.");
    expect(refused.stdout).toMatch(/✗ gated gate \(minor\): .*equals/);
    expect(refused.stderr).toMatch(
      /^error: the candidate did not pass: gated gate \(minor\): [^\n]*equals/m,
    );

    const v1 = await evalGolden(
      "--version",
      "1",
      "--baseline",
      "none",
      "--scorer",
      EQUALS,
      "--env",
      "gated",
      "--level",
      "minor",
    );
    expect(v1.code).toBe(EXIT.ok);
    expect(v1.stdout).toContain("Gate of gated for a minor change: passes.");
  });

  it("evaluates a prompt file without publishing it, named file:PATH", async () => {
    const path = file(
      "candidate.yaml",
      [
        "type: chat",
        "messages:",
        "  - { role: user, content: 'Please, from a file: {{question}}' }",
        "variables: { question: { type: string, required: true } }",
        "config: { provider: local, model: gpt-4o-mini }",
      ].join("\n"),
    );
    const run = await cli(
      "--json",
      "eval",
      "eval/reply",
      "--dataset",
      "eval/golden",
      "--file",
      path,
      "--scorer",
      PLEASE,
    );
    expect(run.code).toBe(EXIT.ok);
    const { run: evaluated } = JSON.parse(run.stdout);
    expect(evaluated.variants[0]).toMatchObject({
      role: "candidate",
      label: `file:${path}`,
      version: null,
    });
    expect(evaluated.summary.variants[0].scores[0].interval.mean).toBe(1);
    const versions = await server.call("GET", "/api/v1/prompts/eval%2Freply/versions");
    expect(versions.body.items).toHaveLength(2);
  });

  it("runs custom scorer modules: their scores join the summary, and a throwing scorer is per-case errors", async () => {
    const polite = file(
      "polite.mjs",
      'export const name = "polite";\nexport default async ({ output }) => String(output).includes("Please") ? 1 : { score: 0, reason: "no please" };\n',
    );
    const strict = file(
      "strict.mjs",
      'export default ({ tags }) => { if (tags.includes("edge")) throw new Error("edge case"); return true; };\n',
    );
    const run = await evalGolden(
      "--version",
      "2",
      "--scorer",
      EQUALS,
      "--custom-scorer",
      polite,
      "--custom-scorer",
      strict,
      "--min",
      "polite=0.9",
      "--report-json",
      join(dir, "custom.json"),
    );
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toContain("scoring with polite, strict");
    expect(run.stdout).toMatch(
      /v2[^\n]*polite\s+1\.000 \[1\.000, 1\.000\]\s+0\.000 \[0\.000, 0\.000\][^\n]*improved$/m,
    );
    const { run: scored } = JSON.parse(readFileSync(join(dir, "custom.json"), "utf8"));
    const candidate = scored.summary.variants.find((v: { variant: number }) => v.variant === 0);
    const strictScores = candidate.scores.find((s: { scorer: string }) => s.scorer === "strict");
    // The edge case's score is an error, not a zero: eleven scores of 1, one error.
    expect(strictScores).toMatchObject({ errors: 1, interval: { mean: 1, n: 11 } });
    const results = await server.call("GET", `/api/v1/eval-runs/${scored.id}/results?limit=50`);
    const edge = results.body.items.find((c: { tags: string[] }) => c.tags.includes("edge"));
    expect(edge.outputs[0].scores).toContainEqual(
      expect.objectContaining({ name: "strict", score: null, error: "strict threw: edge case" }),
    );
  });

  it("refuses bad flags and unusable files before starting anything (exit 2)", async () => {
    const before = await server.call("GET", "/api/v1/eval-runs?prompt=eval%2Freply&limit=200");
    const base = ["eval", "eval/reply", "--dataset", "eval/golden", "--scorer", EQUALS];

    const noCandidate = await cli(...base);
    expect(noCandidate).toMatchObject({
      code: EXIT.usage,
      stderr:
        "error: name exactly one candidate: --file PATH, --version N, --label LABEL or --draft",
    });
    const badScorer = await cli(...base, "--version", "2", "--scorer", '{"type":"vibes"}');
    expect(badScorer.code).toBe(EXIT.usage);
    expect(badScorer.stderr).toMatch(/^error: --scorer is not a valid scorer: /);
    const noModule = await cli(
      ...base,
      "--version",
      "2",
      "--custom-scorer",
      join(dir, "absent.mjs"),
    );
    expect(noModule).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/absent\.mjs: no such file$/),
    });
    const noDefault = await cli(
      ...base,
      "--version",
      "2",
      "--custom-scorer",
      file("nodefault.mjs", "export const x = 1;"),
    );
    expect(noDefault.code).toBe(EXIT.usage);
    expect(noDefault.stderr).toMatch(/has no default export/);
    const badFile = await cli(...base, "--file", file("bad.yaml", "type: chat\nmessages: 3\n"));
    expect(badFile.code).toBe(EXIT.usage);
    expect(badFile.stderr).toMatch(/bad\.yaml is not a valid prompt: messages/);
    await gatedEnvironment("gated-draft");
    const draftUngated = await cli(...base, "--draft", "--env", "gated-draft");
    expect(draftUngated.code).toBe(EXIT.usage);
    expect(draftUngated.stderr).toMatch(/give --level patch, minor or major$/);

    const after = await server.call("GET", "/api/v1/eval-runs?prompt=eval%2Freply&limit=200");
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it("an unknown dataset or prompt is exit 4", async () => {
    const dataset = await cli(
      "eval",
      "eval/reply",
      "--dataset",
      "eval/nothing",
      "--version",
      "1",
      "--scorer",
      EQUALS,
    );
    expect(dataset.code).toBe(EXIT.notFound);
    expect(dataset.stderr).toMatch(/eval\/nothing/);
    const prompt = await cli(
      "eval",
      "eval/absent",
      "--dataset",
      "eval/golden",
      "--version",
      "1",
      "--scorer",
      EQUALS,
    );
    expect(prompt.code).toBe(EXIT.notFound);
  });

  it("cancels the run when --timeout passes, and exits 1 saying so", async () => {
    upstream.setDelay(2000);
    try {
      const run = await evalGolden("--version", "2", "--scorer", EQUALS, "--timeout", "0.3");
      expect(run.code).toBe(EXIT.failure);
      const id = /cancelled run (\S+) /.exec(run.stderr)?.[1];
      expect(run.stderr).toMatch(
        /^error: run \S+ did not finish within 0\.3 s \(\d+\/24 calls done\): cancelled run /m,
      );
      const cancelled = await server.call("GET", `/api/v1/eval-runs/${id}`);
      expect(cancelled.body.status).toBe("cancelled");
    } finally {
      upstream.setDelay(0);
    }
  });
});
