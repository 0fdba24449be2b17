import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { deployed, publishedTextPrompt, runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline resolve and compile", () => {
  it("resolve prints the version production serves, or the one asked for, with its content", async () => {
    await publishedTextPrompt(server, "resolve/greeting", ["Hello {{who}}.", "Hi {{who}}!"]);
    await deployed(server, "resolve/greeting", "production", 1);

    const byLabel = await cli("resolve", "resolve/greeting");
    expect(byLabel.code).toBe(EXIT.ok);
    expect(byLabel.stdout).toBe(
      "resolve/greeting v1 (1.0.0) via production\n\ntype: text\n\n--- text ---\nHello {{who}}.\n",
    );
    const byVersion = await cli("resolve", "resolve/greeting", "--version", "2");
    expect(byVersion.stdout.split("\n")[0]).toMatch(/^resolve\/greeting v2 \(\S+\) via version$/);
    expect(byVersion.stdout).toContain("Hi {{who}}!");
  });

  it("resolve --json prints the client API's answer as it is", async () => {
    await publishedTextPrompt(server, "resolve/json", ["Plain."]);
    await deployed(server, "resolve/json", "staging", 1);

    const printed = await cli("--json", "resolve", "resolve/json", "--label", "staging");
    const answer = await server.call("GET", "/api/v1/client/prompts/resolve%2Fjson?label=staging");
    expect(JSON.parse(printed.stdout)).toEqual(answer.body);
    expect(answer.body).toMatchObject({ name: "resolve/json", version: 1, label: "staging" });
  });

  it("resolve exits 4 for a label that serves nothing and 2 for a version that is not a number", async () => {
    await publishedTextPrompt(server, "resolve/undeployed", ["Not yet."]);

    const unlabelled = await cli("resolve", "resolve/undeployed", "--label", "staging");
    expect(unlabelled.code).toBe(EXIT.notFound);
    expect(unlabelled.stderr).toContain("has no version labelled 'staging'");
    expect((await cli("resolve", "resolve/nothing-here")).code).toBe(EXIT.notFound);
    const notANumber = await cli("resolve", "resolve/undeployed", "--version", "0");
    expect(notANumber).toMatchObject({
      code: EXIT.usage,
      stderr: "error: '0' is not a version number (1, 2, 3 …)",
    });
  });

  it("compile fills in a chat prompt's messages, one block per message", async () => {
    await server.call("POST", "/api/v1/prompts", { name: "resolve/chat", type: "chat" });
    await server.call("POST", "/api/v1/prompts/resolve%2Fchat/versions", {
      commitMessage: "first",
      content: {
        type: "chat",
        messages: [
          { role: "system", content: "You help {{company}} customers." },
          { role: "user", content: "{{question}}" },
        ],
      },
    });

    const compiled = await cli(
      "compile",
      "resolve/chat",
      "--version",
      "1",
      "--var",
      "company=Acme",
      "--vars",
      '{"question": "Where is my order?"}',
    );
    expect(compiled).toMatchObject({
      code: EXIT.ok,
      stdout: "[system]\nYou help Acme customers.\n\n[user]\nWhere is my order?",
    });
    expect((await cli("compile", "resolve/chat", "--version", "1", "--var", "=x")).stderr).toBe(
      "error: --var takes name=value, got '=x'",
    );
  });

  it("resolve and compile --unit are assigned a running rollout's version; without a unit, the control says so", async () => {
    await publishedTextPrompt(server, "resolve/rolled", ["One for {{who}}.", "Two for {{who}}."]);
    await deployed(server, "resolve/rolled", "production", 1);
    const started = await server.call("POST", "/api/v1/prompts/resolve%2Frolled/rollouts", {
      environment: "production",
      strategy: "split",
      candidates: [{ version: 2, weight: 0 }],
      rules: [
        {
          conditions: [{ attribute: "plan", op: "equals", value: "pro" }],
          variants: [{ version: 2, weight: 10000 }],
        },
      ],
    });
    expect(started.status).toBe(201);
    const control = await cli("resolve", "resolve/rolled");
    expect(control.stdout.split("\n")[0]).toBe(
      `resolve/rolled v1 (1.0.0) via production (control of rollout #${started.body.id}: give --unit to be assigned)`,
    );
    const pro = await cli(
      "resolve",
      "resolve/rolled",
      "--unit",
      "ann",
      "--context",
      '{"plan":"pro"}',
    );
    expect(pro.stdout.split("\n")[0]).toMatch(
      /^resolve\/rolled v2 \(\S+\) via production, candidate of the running rollout$/,
    );
    const free = await cli("resolve", "resolve/rolled", "--unit", "ann");
    expect(free.stdout.split("\n")[0]).toContain("v1 (1.0.0) via production, control of");
    const compiled = await cli(
      "compile",
      "resolve/rolled",
      "--var",
      "who=Ann",
      "--unit",
      "ann",
      "--context",
      '{"plan":"pro"}',
    );
    expect(compiled.stdout).toBe("Two for Ann.");
    // What the rollout served, by variant: traces filtered and metrics split.
    const at = new Date().toISOString();
    const posted = await server.call("POST", "/api/v1/traces", {
      traces: ["control", "candidate", "candidate"].map((variant, i) => ({
        id: `rolled-${i}`,
        startTime: at,
        prompt: {
          name: "resolve/rolled",
          version: variant === "control" ? 1 : 2,
          label: "production",
        },
        variant,
        model: "gpt-4o-mini",
        input: "hi",
        output: "hello",
      })),
    });
    expect(posted.status).toBeLessThan(300);
    const listed = await cli(
      "--json",
      "traces",
      "list",
      "--prompt",
      "resolve/rolled",
      "--variant",
      "candidate",
    );
    expect(
      JSON.parse(listed.stdout)
        .items.map((t: { id: string }) => t.id)
        .sort(),
    ).toEqual(["rolled-1", "rolled-2"]);
    const split = await cli("metrics", "resolve/rolled", "--by-variant");
    expect(split.stdout).toMatch(/v1 control +│ 1 /);
    expect(split.stdout).toMatch(/v2 candidate +│ 2 /);
    const bad = await cli("resolve", "resolve/rolled", "--context", "[1]");
    expect(bad).toMatchObject({ code: EXIT.usage });
    expect(bad.stderr).toContain("--context takes a JSON object");
  });
});
