import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";
import { EXIT } from "../errors.js";
import { deployed, publishedTextPrompt, runAgainst } from "../test-support/cli.js";

let server: TestServer;
const cli = (...argv: string[]) => runAgainst(server, argv);
const dir = mkdtempSync(join(tmpdir(), "promptline-cli-prompts-"));

beforeAll(async () => {
  server = await startTestServer("sqlite");
});
afterAll(() => server?.stop());

describe("promptline show, versions, edit and list", () => {
  it("show prints the latest version, the one a label serves, or the draft", async () => {
    await publishedTextPrompt(server, "show/summary", ["First text.", "Second text."]);
    await deployed(server, "show/summary", "production", 1);

    const latest = await cli("show", "show/summary");
    expect(latest.code).toBe(EXIT.ok);
    expect(latest.stdout).toContain("labels: production=v1   latest: 2");
    expect(latest.stdout).toMatch(/^version 2 \(\S+\) by apikey:admin at \S+: version 2$/m);
    expect(latest.stdout).toContain("Second text.");
    const labelled = await cli("show", "show/summary", "--label", "production");
    expect(labelled.stdout).toContain("First text.");
    expect(labelled.stdout).not.toContain("Second text.");
    const draft = await cli("show", "show/summary", "--draft");
    expect(draft.stdout).toMatch(/^draft \(edited by apikey:admin at \S+\)$/m);
    const json = await cli("--json", "show", "show/summary", "--version", "1");
    expect(JSON.parse(json.stdout)).toMatchObject({
      prompt: { name: "show/summary", latestVersion: 2 },
      version: { version: 1, content: { text: "First text." } },
    });
  });

  it("show exits 4 naming a label that points nowhere", async () => {
    await publishedTextPrompt(server, "show/unlabelled", ["Only."]);

    expect(await cli("show", "show/unlabelled", "--label", "staging")).toMatchObject({
      code: EXIT.notFound,
      stderr: "error: prompt 'show/unlabelled' has no version labelled 'staging'",
    });
  });

  it("versions lists every version newest first, with the labels on each", async () => {
    await publishedTextPrompt(server, "show/history", ["A.", "B.", "C."]);
    await deployed(server, "show/history", "staging", 2);

    const listed = await cli("--json", "versions", "show/history");
    const items = JSON.parse(listed.stdout).items as Array<{ version: number; labels: string[] }>;
    expect(items.map((v) => [v.version, v.labels])).toEqual([
      [3, ["latest"]],
      [2, ["staging"]],
      [1, []],
    ]);
    expect((await cli("versions", "show/history")).stdout).toMatch(
      /│ 2\s+│ \S+\s+│ \S+\s+│ staging/,
    );
  });

  it("edit saves a file as the draft and names its variables; create refuses a taken name", async () => {
    await publishedTextPrompt(server, "show/editable", ["Old."]);
    const path = join(dir, "draft.yaml");
    writeFileSync(path, 'type: text\ntext: "Dear {{name}}, about {{topic}}."\n');

    expect(await cli("edit", "show/editable", "-f", path)).toMatchObject({
      code: EXIT.ok,
      stdout: "saved the draft of show/editable (variables: name, topic)",
    });
    expect((await cli("diff", "show/editable", "1", "draft")).stdout).toContain(
      "+Dear {{name}}, about {{topic}}.",
    );
    expect((await cli("edit", "show/missing", "-f", path)).code).toBe(EXIT.notFound);
    expect((await cli("create", "show/editable", "--type", "text")).code).toBe(EXIT.conflict);
    expect((await cli("create", "show/other", "--type", "prose")).code).toBe(EXIT.usage);
  });

  it("list pages with --limit, printing where the next page starts", async () => {
    await publishedTextPrompt(server, "paged/a", ["A."]);
    await publishedTextPrompt(server, "paged/b", ["B."]);

    const first = await cli("list", "--folder", "paged", "--limit", "1");
    expect(first.stdout).toContain("paged/a");
    expect(first.stdout).not.toContain("paged/b");
    const after = /more: --after (\S+)/.exec(first.stdout)?.[1];
    expect(after).toBe("paged/a");
    const second = await cli("list", "--folder", "paged", "--limit", "1", "--after", "paged/a");
    expect(second.stdout).toContain("paged/b");
    expect((await cli("list", "--folder", "nothing-under-here")).stdout).toBe("no prompts");
  });
});
