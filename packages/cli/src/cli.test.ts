import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestServer,
  type TestServer,
  uniqueName,
} from "../../server/src/test-support/harness.js";
import { EXIT } from "./errors.js";
import { runCli } from "./program.js";

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), "promptline-cli-"));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    PROMPTLINE_URL: server.url,
    PROMPTLINE_API_KEY: server.adminKey,
    PROMPTLINE_CONFIG: join(dir, "config.json"),
  };
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const v1 = `type: text
text: "Summarise {{ticket}} in one line."
config: { model: gpt-4o-mini }
`;

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline CLI", () => {
  it("creates, publishes from a file, deploys, rolls back and shows history", async () => {
    expect(
      (
        await cli(
          "create",
          "ops/summary",
          "--type",
          "text",
          "--tag",
          "ops",
          "-f",
          file("v1.yaml", v1),
        )
      ).code,
    ).toBe(0);
    const published = await cli("publish", "ops/summary", "-m", "first");
    expect(published).toMatchObject({
      code: 0,
      stdout: "published ops/summary v1 (1.0.0) — first",
    });
    const v2 = await cli(
      "publish",
      "ops/summary",
      "-m",
      "add detail",
      "-f",
      file("v2.yaml", v1.replace("one line.", "one line. Mention the customer.")),
    );
    expect(v2.stdout).toContain("published ops/summary v2 (1.1.0), minor bump — add detail");
    expect(v2.stdout).toContain("instructions added");
    const again = await cli("publish", "ops/summary", "-m", "again");
    expect(again.stdout).toContain("unchanged: identical to ops/summary v2");

    expect((await cli("deploy", "ops/summary", "1", "--env", "production")).stdout).toBe(
      "deployed ops/summary: production (nothing) → v1",
    );
    await cli("deploy", "ops/summary", "2", "--env", "production", "--reason", "better");
    const rolledBack = await cli(
      "rollback",
      "ops/summary",
      "--env",
      "production",
      "--reason",
      "too long",
    );
    expect(rolledBack.stdout).toBe("rolled back ops/summary: production v2 → v1 (too long)");

    const history = await cli("history", "ops/summary", "--json");
    const moves = JSON.parse(history.stdout).items.map(
      (m: { kind: string; toVersion: number }) => `${m.kind}:${m.toVersion}`,
    );
    expect(moves).toEqual(["rollback:1", "deploy:2", "deploy:1"]);
    const table = await cli("history", "ops/summary", "--env", "production");
    expect(table.stdout).toContain("too long");

    const list = await cli("list");
    expect(list.stdout).toMatch(/ops\/summary\s+│ text\s+│ 2\s+│ production=v1/);
    const diff = await cli("diff", "ops/summary", "1", "2");
    expect(diff.stdout).toContain("+Summarise {{ticket}} in one line. Mention the customer.");
    const compiled = await cli("compile", "ops/summary", "--var", "ticket=#42");
    expect(compiled.stdout).toBe("Summarise #42 in one line.");
    const typed = await cli("compile", "ops/summary", "--vars", '{"ticket": 42}');
    expect(typed.stdout).toBe("Summarise 42 in one line.");
    expect((await cli("compile", "ops/summary", "--vars", "[1]")).code).toBe(EXIT.usage);
  });

  it("exits with codes that mean something", async () => {
    const name = uniqueName("ops/summary");
    expect((await cli("create", name, "--type", "text", "-f", file("v1.yaml", v1))).code).toBe(0);
    expect((await cli("publish", name, "-m", "first")).code).toBe(0);
    expect((await cli("deploy", name, "1", "--env", "production")).code).toBe(0);
    expect((await cli("show", "no/such")).code).toBe(EXIT.notFound);
    expect((await cli("deploy", name, "9", "--env", "production")).code).toBe(EXIT.notFound);
    expect((await cli("rollback", name, "--env", "staging")).code).toBe(EXIT.conflict);
    expect((await cli("deploy", name, "one", "--env", "production")).code).toBe(EXIT.usage);
    expect((await cli("compile", name)).stderr).toContain("missing required variable: ticket");
    expect((await cli("list", "--api-key", "pl_wrong")).code).toBe(EXIT.auth);
    expect((await cli("list", "--url", "http://127.0.0.1:9")).code).toBe(EXIT.unreachable);
    expect(await cli("list", "--url", "127.0.0.1:4680")).toMatchObject({
      code: EXIT.usage,
      stderr: "error: '127.0.0.1:4680' is not a URL: give the server as http://host:port",
    });
    const withPassword = await cli("list", "--url", "http://me:hunter2@127.0.0.1:9");
    expect(withPassword.code).toBe(EXIT.usage);
    expect(withPassword.stderr).not.toContain("hunter2");
    expect((await cli("frobnicate")).code).toBe(EXIT.usage);
    const dataDir = mkdtempSync(join(tmpdir(), "promptline-cli-serve-"));
    const busy = await cli("serve", "--port", String(server.port), "--data-dir", dataDir);
    expect(busy.code).toBe(EXIT.usage);
    expect(busy.stderr).toContain(`PROMPTLINE_PORT: port ${server.port}`);
    const badFile = await cli("edit", name, "-f", file("bad.yaml", "type: text\ntext: 3\n"));
    expect(badFile).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining("text: Invalid input"),
    });
  });

  it("saves the connection to a config file only its owner can read", async () => {
    const login = await cli("login", "--url", server.url, "--api-key", server.adminKey);
    expect(login.code).toBe(0);
    const path = join(dir, "config.json");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      url: server.url,
      apiKey: server.adminKey,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("manages environments and keys", async () => {
    expect((await cli("env", "create", "canary")).stdout).toBe("created environment canary");
    expect((await cli("env", "list")).stdout).toContain("canary");
    const created = await cli("keys", "create", "ci", "--role", "viewer", "--json");
    const key = JSON.parse(created.stdout);
    expect(key.key).toMatch(/^pl_/);
    expect((await cli("keys", "revoke", key.id)).code).toBe(0);
    const pair = await cli("keys", "create", "lf", "--role", "editor", "--langfuse");
    expect(pair.stdout).toMatch(/LANGFUSE_PUBLIC_KEY=pk-lf-\S+\nLANGFUSE_SECRET_KEY=sk-lf-\S+/);
    expect((await cli("list", "--api-key", key.key)).code).toBe(EXIT.auth);
  });
});
