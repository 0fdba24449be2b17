import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

async function projectPrice(model: string) {
  const { items } = JSON.parse((await cli("--json", "prices", "list")).stdout) as {
    items: Array<{ model: string; source: string; inputPerMillion: number }>;
  };
  return items.find((p) => p.model === model && p.source === "project");
}

describe("promptline prices", () => {
  it("set prints the price in words, and unset removes the project's own price", async () => {
    expect(
      await cli("prices", "set", "cli-priced-model", "--input", "0.25", "--output", "2"),
    ).toMatchObject({
      code: EXIT.ok,
      stdout: "cli-priced-model: $0.25 in, $2 out per million tokens",
    });
    expect(await projectPrice("cli-priced-model")).toMatchObject({ inputPerMillion: 0.25 });

    expect(await cli("prices", "unset", "cli-priced-model")).toMatchObject({
      code: EXIT.ok,
      stdout: "removed the project's price for cli-priced-model",
    });
    expect(await projectPrice("cli-priced-model")).toBeUndefined();
  });

  it("set needs both prices", async () => {
    const missing = await cli("prices", "set", "cli-half-priced", "--input", "1");
    expect(missing.code).toBe(EXIT.usage);
    expect(await projectPrice("cli-half-priced")).toBeUndefined();
  });
});
