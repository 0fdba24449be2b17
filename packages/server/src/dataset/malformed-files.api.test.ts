import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

/** Case files no parser can read, or nested past the limit: each a 422 naming its line. */
describe.each(testEngines())("malformed case files on %s", (engine) => {
  let server: TestServer;
  let path: string;

  /** Sends a file to the import endpoint with this content type and query. */
  async function upload(body: string, contentType: string, query = "") {
    const response = await fetch(`${server.url}${path}/import${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": contentType },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  const caseCount = async () => (await server.call("GET", path)).body.caseCount;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    const name = uniqueName("qa/malformed");
    path = `/api/v1/datasets/${enc(name)}`;
    expect((await server.call("POST", "/api/v1/datasets", { name })).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it.each([
    ["a quote inside an unquoted field", 'q\na"b\n', "?format=csv", 2],
    ["a quoted field closed too early", 'q,q2\n"a",b"\n', "?format=csv", 2],
    ["JSONL sent as CSV", '{"variables":{"q":"a"}}\n', "", 1],
  ])("refuses %s with 422 naming the line, importing nothing", async (_, file, query, line) => {
    const refused = await upload(file, "text/csv", query);
    expect(refused.status).toBe(422);
    expect(refused.body.details.errors).toEqual([
      { line, message: expect.stringContaining("not CSV") },
    ]);
    expect(await caseCount()).toBe(0);
  });

  it("refuses JSONL lines and CSV JSON cells nested deeper than request bodies may be, by line", async () => {
    const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    const lines = [
      '{"variables":{"q":"fine"}}',
      `{"variables":{"q":"a"},"metadata":{"x":${nested(3000)}}}`,
      `{"variables":{"q":"b"},"metadata":{"x":${nested(1_500_000)}}}`,
    ];
    const jsonl = await upload(`${lines.join("\n")}\n`, "application/x-ndjson", "?format=jsonl");
    expect(jsonl.status).toBe(422);
    expect(jsonl.body.details.errors).toEqual([
      { line: 2, message: expect.stringContaining("nested more than 64 levels deep") },
      { line: 3, message: expect.stringContaining("nested more than 64 levels deep") },
    ]);
    const csv = await upload(
      `q,metadata,placeholders\nfine,,\na,"{""x"":${nested(100)}}",\nb,,"{""x"":${nested(100)}}"\n`,
      "text/csv",
      "?format=csv",
    );
    expect(csv.status).toBe(422);
    expect(csv.body.details.errors).toEqual([
      { line: 3, message: expect.stringContaining("metadata: nested more than 64 levels deep") },
      {
        line: 4,
        message: expect.stringContaining("placeholders: nested more than 64 levels deep"),
      },
    ]);
    expect(await caseCount()).toBe(0);
  });
});
