import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const question = (q: string, tags: string[] = []) => ({
  input: { variables: { question: q } },
  expected: `answer to ${q}`,
  tags,
});

describe.each(testEngines())("the datasets API on %s", (engine) => {
  let server: TestServer;
  let viewer: string;
  let editor: string;
  /** Each test's own dataset, created empty. */
  let name: string;
  let path: string;

  const keyWithRole = async (role: "editor" | "viewer") =>
    (await server.call("POST", "/api/v1/api-keys", { name: uniqueName(role), role })).body.key;
  const revise = (body: unknown, key?: string) =>
    server.call("POST", `${path}/revisions`, body, key);
  const cases = async (query = "") => server.call("GET", `${path}/cases${query}`);

  beforeAll(async () => {
    server = await startTestServer(engine);
    viewer = await keyWithRole("viewer");
    editor = await keyWithRole("editor");
  });
  beforeEach(async () => {
    name = uniqueName("support/refunds");
    path = `/api/v1/datasets/${enc(name)}`;
    const created = await server.call("POST", "/api/v1/datasets", { name }, editor);
    expect(created.status).toBe(201);
  });
  afterAll(() => server?.stop());

  it("creates a dataset at revision 0, shows it, lists it, and changes its description", async () => {
    const shown = await server.call("GET", path, undefined, viewer);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      name,
      description: "",
      latestRevision: 0,
      caseCount: 0,
      createdBy: expect.stringMatching(/^apikey:editor-/),
    });
    const patched = await server.call("PATCH", path, { description: "Refund questions" }, editor);
    expect(patched.body.description).toBe("Refund questions");
    const listed = await server.call("GET", `/api/v1/datasets?q=${enc("refund QUESTIONS")}`);
    expect(listed.body.items.map((d: { name: string }) => d.name)).toContain(name);
    const again = await server.call("POST", "/api/v1/datasets", { name }, editor);
    expect(again.status).toBe(409);
  });

  it("lets viewers read but not write: every change is refused with 403", async () => {
    await revise({ add: [question("a")] }, editor);
    expect((await server.call("GET", `${path}/cases`, undefined, viewer)).status).toBe(200);
    expect((await server.call("GET", `${path}/revisions`, undefined, viewer)).status).toBe(200);
    expect((await server.call("GET", `${path}/export`, undefined, viewer)).status).toBe(200);
    const refused = [
      await server.call("POST", "/api/v1/datasets", { name: uniqueName("x") }, viewer),
      await server.call("PATCH", path, { description: "no" }, viewer),
      await revise({ add: [question("b")] }, viewer),
      await server.call("POST", `${path}/from-traces`, { traceIds: ["abcdefgh"] }, viewer),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.body.message).toContain("dataset:write");
    }
    expect((await server.call("GET", path)).body.latestRevision).toBe(1);
  });

  it("adds, edits and removes cases as new revisions, newest listed first", async () => {
    const first = await revise({ message: "seed", add: [question("a"), question("b", ["edge"])] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ revision: 1, message: "seed", added: 2, caseCount: 2 });
    const [a, b] = (await cases()).body.items;
    expect(a.source).toEqual({ kind: "person", ref: "apikey:admin" });
    const second = await revise({
      expectedRevision: 1,
      update: [{ id: a.id, expected: null, metadata: { reviewed: true } }],
      remove: [b.id],
    });
    expect(second.body).toMatchObject({ revision: 2, updated: 1, removed: 1, caseCount: 1 });
    const now = (await cases()).body;
    expect(now.revision).toBe(2);
    expect(now.items).toEqual([
      expect.objectContaining({ id: a.id, expected: null, metadata: { reviewed: true } }),
    ]);
    expect(
      (await cases("?revision=1&tag=edge")).body.items.map((c: { id: string }) => c.id),
    ).toEqual([b.id]);
    const revisions = await server.call("GET", `${path}/revisions`);
    expect(
      revisions.body.items.map((r: { revision: number; message: string }) => [
        r.revision,
        r.message,
      ]),
    ).toEqual([
      [2, "updated 1 case, removed 1 case"],
      [1, "seed"],
    ]);
  });

  it("pages cases in the order they were added", async () => {
    await revise({ add: ["a", "b", "c", "d", "e"].map((q) => question(q)) });
    const seen: string[] = [];
    let after = "";
    for (let page = 0; page < 5; page++) {
      const answer = (await cases(`?limit=2${after && `&after=${after}`}`)).body;
      seen.push(
        ...answer.items.map(
          (c: { input: { variables: { question: string } } }) => c.input.variables.question,
        ),
      );
      if (!answer.nextCursor) break;
      after = answer.nextCursor;
    }
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("refuses a change made against an older revision with 409, and an empty one with 400", async () => {
    await revise({ add: [question("a")] });
    const stale = await revise({ expectedRevision: 0, add: [question("b")] });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain("is at revision 1, not 0");
    expect(stale.body.details).toEqual({ latestRevision: 1 });
    const empty = await revise({ message: "nothing" });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toContain("the change is empty");
    const tooMany = await revise({ remove: Array.from({ length: 1001 }, (_, i) => `case-${i}`) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain("at most 1000 cases");
    expect((await server.call("GET", path)).body).toMatchObject({
      latestRevision: 1,
      caseCount: 1,
    });
  });

  it("answers 404 for an unknown dataset, case id or revision, naming what is missing", async () => {
    const unknown = await server.call("GET", `/api/v1/datasets/${enc("no/such-set")}/cases`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain("no dataset named 'no/such-set'");
    await revise({ add: [question("a")] });
    const missingCase = await revise({ remove: ["0190-nope"] });
    expect(missingCase.status).toBe(404);
    expect(missingCase.body.details).toEqual({ caseIds: ["0190-nope"] });
    const missingRevision = await cases("?revision=7");
    expect(missingRevision.status).toBe(404);
    expect(missingRevision.body.message).toContain("has no revision 7; its latest is 1");
  });
});
