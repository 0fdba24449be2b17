import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { deployed, publishedTextPrompt, runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);

/** Lets the clock move on, so that moves made before and after a timestamp are told apart. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline deploy, rollback and history", () => {
  it("deploy and rollback --json print the move the server recorded", async () => {
    await publishedTextPrompt(server, "deploy/json", ["One.", "Two."]);

    const first = await cli("--json", "deploy", "deploy/json", "1", "--env", "staging");
    expect(JSON.parse(first.stdout)).toMatchObject({
      kind: "deploy",
      environment: "staging",
      fromVersion: null,
      toVersion: 1,
    });
    await cli("deploy", "deploy/json", "2", "--env", "staging");
    const back = await cli("--json", "rollback", "deploy/json", "--env", "staging", "--to", "1");
    expect(JSON.parse(back.stdout)).toMatchObject({
      kind: "rollback",
      fromVersion: 2,
      toVersion: 1,
      reason: null,
    });
  });

  it("history --at names the version an environment served at that time, or none", async () => {
    await publishedTextPrompt(server, "deploy/at", ["One.", "Two."]);
    const beforeAny = new Date().toISOString();
    await tick();
    await deployed(server, "deploy/at", "production", 1);
    await tick();
    const whileOne = new Date().toISOString();
    await tick();
    await deployed(server, "deploy/at", "production", 2);

    const one = await cli("history", "deploy/at", "--env", "production", "--at", whileOne);
    expect(one.code).toBe(EXIT.ok);
    expect(one.stdout).toMatch(
      new RegExp(
        `^production served deploy/at v1 at ${whileOne} \\(since \\S+, by apikey:admin\\)$`,
      ),
    );
    const none = await cli("history", "deploy/at", "--env", "production", "--at", beforeAny);
    expect(none.stdout).toBe(`production served no version of deploy/at at ${beforeAny}`);
    const json = await cli(
      "--json",
      "history",
      "deploy/at",
      "--env",
      "production",
      "--at",
      whileOne,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ environment: "production", version: 1 });
  });

  it("history says when nothing was deployed, and --at without --env is a usage error", async () => {
    await publishedTextPrompt(server, "deploy/never", ["Draft only."]);

    expect(await cli("history", "deploy/never")).toMatchObject({
      code: EXIT.ok,
      stdout: "no deployments of deploy/never yet",
    });
    expect(await cli("history", "deploy/never", "--at", new Date().toISOString())).toMatchObject({
      code: EXIT.usage,
      stderr: "error: --at needs --env: which environment's label to look up",
    });
    expect(
      (await cli("history", "deploy/never", "--env", "production", "--at", "yesterday")).code,
    ).toBe(EXIT.usage);
  });

  it("a viewer key may not deploy: exit 3, and the label does not move", async () => {
    await publishedTextPrompt(server, "deploy/guarded", ["One."]);
    const viewer = await server.call("POST", "/api/v1/api-keys", {
      name: "deploy-viewer",
      role: "viewer",
    });

    const refused = await runAgainst(
      server,
      ["deploy", "deploy/guarded", "1", "--env", "production"],
      {
        PROMPTLINE_API_KEY: viewer.body.key,
      },
    );
    expect(refused.code).toBe(EXIT.auth);
    expect(refused.stderr).toMatch(/^error: .+ \(403 \S+\)$/);
    expect((await cli("history", "deploy/guarded")).stdout).toBe(
      "no deployments of deploy/guarded yet",
    );
  });
});
