import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTextPrompt,
  startTestServer,
  type TestServer,
} from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);

beforeAll(async () => {
  server = await startTestServer("sqlite");
  await createTextPrompt(server, "cli/online", ["Hello"]);
});
afterAll(() => server?.stop());

describe("promptline online-eval", () => {
  it("set prints the rule in words, list shows it, remove stops it", async () => {
    const set = await cli(
      "online-eval",
      "set",
      "cli/online",
      "production",
      "--rate",
      "0.1",
      "--scorer",
      '{"type":"contains","values":["refund"]}',
      "--scorer",
      '{"type":"json-valid","name":"json"}',
    );
    expect(set).toMatchObject({
      code: EXIT.ok,
      stdout: "cli/online in production: 10% of production calls scored by contains, json",
    });

    const listed = await cli("online-eval", "list", "--prompt", "cli/online");
    expect(listed.code).toBe(EXIT.ok);
    expect(listed.stdout).toMatch(/cli\/online\s+│\s+production\s+│\s+0\.1\s+│\s+contains, json/);
    const json = JSON.parse((await cli("--json", "online-eval", "list")).stdout);
    expect(json.items).toHaveLength(1);

    expect(await cli("online-eval", "remove", "cli/online", "production")).toMatchObject({
      code: EXIT.ok,
      stdout: "cli/online in production: no longer scored",
    });
    expect((await cli("online-eval", "list")).stdout).toBe("no online-evaluation rules");
  });

  it("refuses a scorer that is not JSON as a usage error, and a bad spec with the server's reason", async () => {
    const notJson = await cli(
      "online-eval",
      "set",
      "cli/online",
      "production",
      "--rate",
      "1",
      "--scorer",
      "contains refund",
    );
    expect(notJson.code).toBe(EXIT.usage);
    expect(notJson.stderr).toContain("--scorer must be a JSON object");

    const unknown = await cli(
      "online-eval",
      "set",
      "cli/online",
      "production",
      "--rate",
      "1",
      "--scorer",
      '{"type":"sentiment"}',
    );
    expect(unknown.code).not.toBe(EXIT.ok);
    expect(unknown.stderr).toContain("400");
  });
});
