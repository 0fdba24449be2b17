import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);
const dir = mkdtempSync(join(tmpdir(), "promptline-datasets-"));
let made = 0;
/** A file of this test's own in a temp folder. */
const file = (name: string, text: string) => {
  const path = join(dir, `${++made}-${name}`);
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline datasets", () => {
  it("creates a dataset, imports a CSV file and shows its revision and cases", async () => {
    expect(await cli("datasets", "create", "cli/refunds", "-d", "refund asks")).toMatchObject({
      code: EXIT.ok,
      stdout: "created dataset cli/refunds",
    });
    const csv = file(
      "refunds.csv",
      "question,expected,tags\nWhere is it?,On its way,edge\nCan I cancel?,Yes,\n",
    );
    const imported = await cli("datasets", "import", "cli/refunds", csv, "-m", "first batch");
    expect(imported).toMatchObject({
      code: EXIT.ok,
      stdout: "imported 2 cases into cli/refunds: revision 1, 2 cases",
      // Not a terminal: no progress bar.
      stderr: "",
    });
    const shown = await cli("datasets", "show", "cli/refunds");
    expect(shown.stdout).toContain("cli/refunds — revision 1, 2 cases");
    expect(shown.stdout).toContain("first batch");
    const cases = JSON.parse(
      (await cli("--json", "datasets", "cases", "cli/refunds", "--tag", "edge")).stdout,
    );
    expect(cases.items).toMatchObject([
      {
        input: { variables: { question: "Where is it?" } },
        expected: "On its way",
        source: { kind: "import", ref: expect.stringContaining("refunds.csv") },
      },
    ]);
    const listed = await cli("datasets", "list", "--folder", "cli");
    expect(listed.stdout).toContain("cli/refunds");
  });

  it("prints a bad file's rows by line, imports nothing and exits with the usage code", async () => {
    await cli("datasets", "create", "cli/bad-import");
    const jsonl = file(
      "bad.jsonl",
      '{"variables":{"q":"fine"}}\n{oops\n{"variables":{"q":"fine"}}\n[1]\n',
    );
    const refused = await cli("datasets", "import", "cli/bad-import", jsonl);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr.split("\n")).toEqual([
      expect.stringMatching(/^line 2: not JSON/),
      "line 4: a line must be a JSON object (a case)",
      expect.stringMatching(
        /^error: 2 bad rows in the JSONL file .* nothing was imported \(422 unprocessable\)$/,
      ),
    ]);
    const shown = JSON.parse((await cli("--json", "datasets", "show", "cli/bad-import")).stdout);
    expect(shown).toMatchObject({ latestRevision: 0, caseCount: 0 });
    const unknownFormat = await cli("datasets", "import", "cli/bad-import", file("cases.txt", ""));
    expect(unknownFormat).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining("--format"),
    });
  });

  it("exports to standard output and to a file, which imports back as the same cases", async () => {
    await cli("datasets", "create", "cli/export");
    const jsonl = file(
      "cases.jsonl",
      `${[
        {
          input: { variables: { q: 'a, "quoted"' } },
          expected: "x",
          tags: ["edge"],
          metadata: { k: 1 },
        },
        { input: { variables: { q: "b" } }, tags: [], metadata: {} },
      ]
        .map((c) => JSON.stringify(c))
        .join("\n")}\n`,
    );
    expect((await cli("datasets", "import", "cli/export", jsonl)).code).toBe(EXIT.ok);
    const printed = await cli("datasets", "export", "cli/export");
    expect(printed.code).toBe(EXIT.ok);
    expect(
      printed.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        input: { variables: { q: 'a, "quoted"' } },
        expected: "x",
        tags: ["edge"],
        metadata: { k: 1 },
      },
      { input: { variables: { q: "b" } }, tags: [], metadata: {} },
    ]);
    const out = join(dir, "export.csv");
    const written = await cli("datasets", "export", "cli/export", "--revision", "1", "--out", out);
    expect(written).toMatchObject({
      code: EXIT.ok,
      stderr: `wrote revision 1 of cli/export to ${out}`,
    });
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe("q,expected,tags,metadata,placeholders");
    await cli("datasets", "create", "cli/export-copy");
    expect((await cli("datasets", "import", "cli/export-copy", out)).code).toBe(EXIT.ok);
    const copy = JSON.parse((await cli("--json", "datasets", "cases", "cli/export-copy")).stdout);
    expect(copy.items.map((c: { input: unknown; tags: string[] }) => [c.input, c.tags])).toEqual([
      [{ variables: { q: 'a, "quoted"' } }, ["edge"]],
      [{ variables: { q: "b" } }, []],
    ]);
    const missing = await cli("datasets", "export", "cli/export", "--revision", "5");
    expect(missing.code).toBe(EXIT.notFound);
  });

  it("turns named traces into cases", async () => {
    await cli("datasets", "create", "cli/from-prod");
    await server.call("POST", "/api/v1/traces", {
      traces: [
        {
          id: "cli-trace-0001",
          startTime: "2026-11-20T10:00:00.000Z",
          output: "the answer",
          metadata: { variables: { customer: "Ada" } },
        },
      ],
    });
    const added = await cli(
      "datasets",
      "from-traces",
      "cli/from-prod",
      "--trace",
      "cli-trace-0001",
      "--tag",
      "prod",
    );
    expect(added).toMatchObject({
      code: EXIT.ok,
      stdout: "added 1 case from traces to cli/from-prod: revision 1, 1 case",
    });
    const neither = await cli("datasets", "from-traces", "cli/from-prod");
    expect(neither.code).toBe(EXIT.usage);
  });
});
