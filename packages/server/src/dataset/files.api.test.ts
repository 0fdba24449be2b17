import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const TYPES = { csv: "text/csv", jsonl: "application/x-ndjson" } as const;

describe.each(testEngines())("importing and exporting case files on %s", (engine) => {
  let server: TestServer;
  let name: string;
  let path: string;

  /** Sends a file (text, or a stream of chunks) to the import endpoint. */
  async function upload(
    body: string | ReadableStream<Uint8Array>,
    format: keyof typeof TYPES,
    query = "",
    key = server.adminKey,
  ) {
    const response = await fetch(`${server.url}${path}/import?format=${format}${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": TYPES[format] },
      body,
      ...(typeof body !== "string" && { duplex: "half" }),
    } as RequestInit);
    return { status: response.status, body: await response.json() };
  }

  async function download(query = "") {
    const response = await fetch(`${server.url}${path}/export${query}`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  const dataset = async () => (await server.call("GET", path)).body;
  const casesOf = async (revision?: number) =>
    (await server.call("GET", `${path}/cases?limit=1000${revision ? `&revision=${revision}` : ""}`))
      .body.items;
  const stagedRows = async () =>
    (
      await server.services.engine.db
        .selectFrom("datasetCases")
        .select("rowId")
        .where("pendingImport", "is not", null)
        .execute()
    ).length;

  beforeAll(async () => {
    // The big import's body arrives only as fast as its rows are stored: on a busy machine that
    // can take longer than the default 30 s request deadline.
    server = await startTestServer(engine, undefined, { requestTimeoutSeconds: 600 });
  });
  beforeEach(async () => {
    name = uniqueName("qa/imports");
    path = `/api/v1/datasets/${enc(name)}`;
    expect((await server.call("POST", "/api/v1/datasets", { name })).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it("imports JSONL, CaseWrite lines and the top-level variables shorthand alike, skipping blank lines", async () => {
    const file = [
      JSON.stringify({ input: { variables: { q: "one" } }, expected: "1", tags: ["edge"] }),
      "",
      JSON.stringify({ variables: { q: "two" }, metadata: { from: "crm" } }),
    ].join("\n");
    const imported = await upload(`${file}\n`, "jsonl", "&message=seed&fileName=cases.jsonl");
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      imported: 2,
      revision: { revision: 1, message: "seed", added: 2, caseCount: 2 },
    });
    const cases = await casesOf();
    expect(
      cases.map((c: { input: unknown; expected: unknown; tags: string[] }) => [
        c.input,
        c.expected,
        c.tags,
      ]),
    ).toEqual([
      [{ variables: { q: "one" } }, "1", ["edge"]],
      [{ variables: { q: "two" } }, null, []],
    ]);
    expect(cases[0].source).toEqual({ kind: "import", ref: "cases.jsonl" });
  });

  it("imports CSV: variables from the columns, reserved columns for expected, tags and metadata", async () => {
    const file = [
      "question,customer,expected,tags,metadata",
      'Where is my refund?,Ada,"In transit, arriving ""soon""","edge,vip","{""channel"":""email""}"',
      "",
      '"Two\nlines",Bo,,,',
    ].join("\r\n");
    const imported = await upload(file, "csv");
    expect(imported.status).toBe(201);
    expect(await casesOf()).toMatchObject([
      {
        input: { variables: { question: "Where is my refund?", customer: "Ada" } },
        expected: 'In transit, arriving "soon"',
        tags: ["edge", "vip"],
        metadata: { channel: "email" },
      },
      {
        input: { variables: { question: "Two\nlines", customer: "Bo" } },
        expected: null,
        tags: [],
      },
    ]);
  });

  it("refuses malformed JSONL with 422 listing every bad line, importing nothing", async () => {
    await server.call("POST", `${path}/revisions`, {
      add: [{ input: { variables: { q: "kept" } } }],
    });
    const good = JSON.stringify({ variables: { q: "fine" } });
    const lines = [
      good,
      "{not json",
      good,
      '{"input":{"variables":{}},"tags":["two words"]}',
      "[]",
    ];
    // Enough good rows before the bad ones that some were staged in batches already.
    const file = `${Array.from({ length: 1200 }, () => good).join("\n")}\n${lines.join("\n")}\n`;
    const refused = await upload(file, "jsonl");
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain("3 bad rows");
    expect(refused.body.details).toEqual({
      errorCount: 3,
      errors: [
        { line: 1202, message: expect.stringContaining("not JSON") },
        { line: 1204, message: expect.stringContaining("tags.0") },
        { line: 1205, message: expect.stringContaining("JSON object") },
      ],
    });
    expect(await dataset()).toMatchObject({ latestRevision: 1, caseCount: 1 });
    expect(await stagedRows()).toBe(0);
  });

  it("refuses malformed CSV with 422 naming the record's line: a wrong field count, a broken quote", async () => {
    const wrongCount = await upload("question,expected\nfine,ok\nextra,field,here\n", "csv");
    expect(wrongCount.status).toBe(422);
    expect(wrongCount.body.details.errors).toEqual([
      { line: 3, message: "the record has 3 fields, the header 2" },
    ]);
    const brokenQuote = await upload('question,metadata\n"a",{}\n\n"b"x,{}\n', "csv");
    expect(brokenQuote.status).toBe(422);
    expect(brokenQuote.body.details.errors).toEqual([
      { line: 4, message: expect.stringContaining("not CSV") },
    ]);
    const badJson = await upload("question,metadata\nq,{oops\n", "csv");
    expect(badJson.body.details.errors).toEqual([
      { line: 2, message: expect.stringContaining("metadata: not JSON") },
    ]);
    const empty = await upload("", "csv");
    expect(empty.status).toBe(422);
    expect(await dataset()).toMatchObject({ latestRevision: 0, caseCount: 0 });
    expect(await stagedRows()).toBe(0);
  });

  it("takes an import only from a key that may write datasets", async () => {
    const viewer = (
      await server.call("POST", "/api/v1/api-keys", { name: uniqueName("v"), role: "viewer" })
    ).body.key;
    const refused = await upload('{"variables":{}}\n', "jsonl", "", viewer);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain("dataset:write");
    expect((await dataset()).latestRevision).toBe(0);
  });

  it("exports a revision that imports back as the same cases, in JSONL and in CSV", async () => {
    const originals = [
      {
        input: { variables: { q: 'She said "hi",\nthen left', n: "3" } },
        expected: "greet back",
        tags: ["edge"],
        metadata: { traceId: "t-1" },
      },
      { input: { variables: { q: "no reference" } }, tags: [], metadata: {} },
      {
        input: {
          variables: { q: "with history" },
          placeholders: { history: [{ role: "user", content: "earlier" }] },
        },
        expected: "ok",
        tags: ["a", "b"],
        metadata: { nested: { deep: [1, 2] } },
      },
    ];
    await server.call("POST", `${path}/revisions`, { add: originals });
    const shape = (cases: Array<Record<string, unknown>>) =>
      cases.map(({ input, expected, tags, metadata }) => ({ input, expected, tags, metadata }));
    const before = shape(await casesOf());
    for (const format of ["jsonl", "csv"] as const) {
      const exported = await download(`?format=${format}&revision=1`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get("content-type")).toContain(TYPES[format]);
      expect(exported.headers.get("content-disposition")).toContain(`-r1.${format}`);
      const copy = uniqueName("qa/copy");
      await server.call("POST", "/api/v1/datasets", { name: copy });
      const into = path;
      path = `/api/v1/datasets/${enc(copy)}`;
      expect((await upload(exported.text, format)).status).toBe(201);
      expect(shape(await casesOf())).toEqual(before);
      path = into;
    }
    const missing = await download("?revision=9");
    expect(missing.status).toBe(404);
  });

  // The streaming is the server's, whatever the engine: PostgreSQL gets a smaller file to stay quick.
  const total = engine === "sqlite" ? 100_000 : 20_000;
  it(`streams ${total.toLocaleString("en")} JSONL cases in and out without a length given up front`, async () => {
    const perChunk = 2_000;
    let sent = 0;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) {
          controller.close();
          return;
        }
        const lines: string[] = [];
        for (let i = 0; i < perChunk; i++, sent++) {
          lines.push(JSON.stringify({ variables: { n: String(sent) }, tags: ["bulk"] }));
        }
        controller.enqueue(encoder.encode(`${lines.join("\n")}\n`));
      },
    });
    const imported = await upload(body, "jsonl");
    expect(imported.status).toBe(201);
    expect(imported.body.imported).toBe(total);
    expect(await dataset()).toMatchObject({ latestRevision: 1, caseCount: total });
    const exported = await download("?format=jsonl");
    const lines = exported.text.trimEnd().split("\n");
    expect(lines).toHaveLength(total);
    expect(JSON.parse(lines[total - 1] as string).input.variables.n).toBe(String(total - 1));
  }, 120_000);
});
