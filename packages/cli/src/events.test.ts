import type { AuditEventList } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer } from "../../server/src/test-support/harness.js";
import { EXIT } from "./errors.js";
import { runCli } from "./program.js";

let server: TestServer;

async function cli(argv: string[], apiKey = server.adminKey) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { PROMPTLINE_URL: server.url, PROMPTLINE_API_KEY: apiKey },
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

async function keyWithRole(name: string, role: "admin" | "viewer") {
  return (await server.call<{ key: string }>("POST", "/api/v1/api-keys", { name, role })).body.key;
}

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline events", () => {
  it("shows who changed a prompt, filters by type and actor, and pages with --before", async () => {
    const releaser = await keyWithRole("cli-releaser", "admin");
    const name = "cli/audited";
    const path = `/api/v1/prompts/${enc(name)}`;
    await server.call("POST", "/api/v1/prompts", { name, type: "text" });
    await server.call("POST", `${path}/versions`, {
      commitMessage: "first",
      content: { type: "text", text: "Hi" },
    });
    const deployment = { environment: "staging", version: 1, reason: "try it" };
    await server.call("POST", `${path}/deployments`, deployment, releaser);

    const shown = await cli(["events", "--prompt", name]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/label\.deployed\s+│\s+cli\/audited\s+│\s+apikey:cli-releaser/);
    expect(shown.stdout).toContain('"reason":"try it"');
    expect(shown.stdout).toMatch(/prompt\.created\s+│\s+cli\/audited\s+│\s+apikey:admin/);

    const filtered = await cli([
      "--json",
      "events",
      "--type",
      "label.deployed,label.rolled_back",
      "--type",
      "version.published",
      "--actor",
      "apikey:cli-releaser",
    ]);
    const moves = JSON.parse(filtered.stdout) as AuditEventList;
    expect(moves.items.map((e) => [e.type, e.subject])).toEqual([["label.deployed", name]]);

    const first = await cli(["events", "--prompt", name, "--limit", "1"]);
    const before = /more: --before (\d+)/.exec(first.stdout)?.[1] as string;
    expect(first.stdout).toContain("label.deployed");
    const second = await cli(["events", "--prompt", name, "--limit", "1", "--before", before]);
    expect(second.stdout).toContain("version.published");
    expect(second.stdout).not.toContain("label.deployed");
  });

  it("tells a viewer it needs an admin key, and a mistyped filter what to fix", async () => {
    const refused = await cli(["events"], await keyWithRole("cli-viewer", "viewer"));
    expect(refused.code).toBe(EXIT.auth);
    expect(refused.stderr).toContain("audit:read");
    const mistyped = await cli(["events", "--type", "label.moved"]);
    expect(mistyped.code).toBe(EXIT.usage);
    expect(mistyped.stderr).toContain("'label.moved' is not an event type");
  });
});
