import { Conflict, NotFound, type Principal, reviseBodySchema } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { createContext } from "../context.js";
import { listEvents } from "../event/store.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { createDatasetService } from "./service.js";

const AT = "2026-03-04T05:06:07.000Z";

describe.each(testEngines())("datasets on %s", (kind) => {
  const storage = useTestStorage(kind);
  const datasets = () =>
    createDatasetService(createContext(storage.engine, { clock: { now: () => new Date(AT) } }), {
      maxImportMs: 60_000,
    });
  const editorOf = async (): Promise<Principal> => ({
    projectId: await storage.newProject(AT),
    role: "editor",
    actor: "apikey:curator",
  });
  const change = (body: unknown) => reviseBodySchema.parse(body);
  const question = (q: string) => ({ input: { variables: { q } }, expected: `answer to ${q}` });
  const allCases = async (
    service: ReturnType<typeof datasets>,
    who: Principal,
    revision?: number,
  ) =>
    (await service.listCases(who, "qa/refunds", { limit: 1000, ...(revision && { revision }) }))
      .items;

  it("keeps every revision as it was: an old revision still lists its cases after edits and removals", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "qa/refunds", description: "refund questions" });
    const first = await service.revise(
      who,
      "qa/refunds",
      change({ add: ["a", "b", "c"].map(question) }),
    );
    expect(first).toMatchObject({ revision: 1, added: 3, caseCount: 3, actor: "apikey:curator" });
    const [a, b, c] = await allCases(service, who);
    expect([a, b, c].map((x) => x?.input.variables.q)).toEqual(["a", "b", "c"]);

    const second = await service.revise(
      who,
      "qa/refunds",
      change({
        message: "fix b, drop c",
        update: [{ id: b?.id, expected: "a better answer", tags: ["edge"] }],
        remove: [c?.id],
        add: [question("d")],
      }),
    );
    expect(second).toMatchObject({ revision: 2, added: 1, updated: 1, removed: 1, caseCount: 3 });
    expect(second.message).toBe("fix b, drop c");

    const now = await allCases(service, who);
    // Editing keeps the case's id and place; the new form is from revision 2.
    expect(now.map((x) => [x.id, x.expected, x.revision])).toEqual([
      [a?.id, "answer to a", 1],
      [b?.id, "a better answer", 2],
      [expect.any(String), "answer to d", 2],
    ]);
    expect(now[1]?.tags).toEqual(["edge"]);
    expect(now[1]?.source).toEqual({ kind: "person", ref: "apikey:curator" });

    const then = await allCases(service, who, 1);
    expect(then.map((x) => [x.id, x.expected])).toEqual([
      [a?.id, "answer to a"],
      [b?.id, "answer to b"],
      [c?.id, "answer to c"],
    ]);
    const revisions = await service.listRevisions(who, "qa/refunds", { limit: 10 });
    expect(revisions.items.map((r) => [r.revision, r.caseCount])).toEqual([
      [2, 3],
      [1, 3],
    ]);
    expect(await service.getDataset(who, "qa/refunds")).toMatchObject({
      latestRevision: 2,
      caseCount: 3,
    });
  });

  it("records dataset.created, dataset.updated and dataset.revised with the counts", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "qa/refunds", description: "" });
    await service.updateDataset(who, "qa/refunds", { description: "now described" });
    await service.revise(who, "qa/refunds", change({ add: [question("a")], message: "seed" }));
    const events = await listEvents(
      storage.engine.db,
      who.projectId,
      ["dataset.created", "dataset.updated", "dataset.revised"],
      { limit: 10 },
    );
    expect(events.map((e) => [e.type, e.subject, e.payload])).toEqual(
      expect.arrayContaining([
        ["dataset.created", "qa/refunds", { description: "" }],
        ["dataset.updated", "qa/refunds", { description: "now described" }],
        [
          "dataset.revised",
          "qa/refunds",
          { revision: 1, message: "seed", added: 1, updated: 0, removed: 0, caseCount: 1 },
        ],
      ]),
    );
  });

  it("serialises concurrent changes: each gets its own revision and no case is lost", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "qa/refunds", description: "" });
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        service.revise(who, "qa/refunds", change({ add: [question(`q${i}`), question(`r${i}`)] })),
      ),
    );
    expect(made.map((r) => r.revision).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(made.map((r) => r.caseCount).sort((x, y) => x - y)).toEqual([
      2, 4, 6, 8, 10, 12, 14, 16,
    ]);
    expect(await allCases(service, who)).toHaveLength(16);
  });

  it("refuses a change made against an older revision, and changes nothing", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "qa/refunds", description: "" });
    await service.revise(who, "qa/refunds", change({ add: [question("a")], expectedRevision: 0 }));
    const stale = service.revise(
      who,
      "qa/refunds",
      change({ add: [question("b")], expectedRevision: 0 }),
    );
    await expect(stale).rejects.toThrow(Conflict);
    await expect(stale).rejects.toThrow("is at revision 1, not 0");
    expect(await service.getDataset(who, "qa/refunds")).toMatchObject({
      latestRevision: 1,
      caseCount: 1,
    });
  });

  it("names unknown case ids and writes nothing", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "qa/refunds", description: "" });
    await service.revise(who, "qa/refunds", change({ add: [question("a")] }));
    const [a] = await allCases(service, who);
    const bad = service.revise(
      who,
      "qa/refunds",
      change({ update: [{ id: a?.id, expected: "x" }], remove: ["no-such-case"] }),
    );
    await expect(bad).rejects.toThrow(NotFound);
    await expect(bad).rejects.toThrow("'no-such-case'");
    expect((await allCases(service, who))[0]?.expected).toBe("answer to a");
    expect((await service.getDataset(who, "qa/refunds")).latestRevision).toBe(1);
  });

  it("finds cases by tag without matching a longer tag that starts the same", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "qa/refunds", description: "" });
    await service.revise(
      who,
      "qa/refunds",
      change({
        add: [
          { ...question("a"), tags: ["edge"] },
          { ...question("b"), tags: ["edge-case"] },
          { ...question("c"), tags: ["vip", "edge"] },
        ],
      }),
    );
    const edge = await service.listCases(who, "qa/refunds", { limit: 10, tag: "edge" });
    expect(edge.items.map((x) => x.input.variables.q)).toEqual(["a", "c"]);
  });

  it("lists datasets by folder and by text in the name or description", async () => {
    const service = datasets();
    const who = await editorOf();
    await service.createDataset(who, { name: "support/refunds", description: "Refund asks" });
    await service.createDataset(who, { name: "support/tone", description: "" });
    await service.createDataset(who, {
      name: "billing/invoices",
      description: "REFUND edge cases",
    });
    const names = async (query: object) =>
      (await service.listDatasets(who, { limit: 10, ...query })).items.map((d) => d.name);
    expect(await names({ folder: "support" })).toEqual(["support/refunds", "support/tone"]);
    expect(await names({ q: "refund" })).toEqual(["billing/invoices", "support/refunds"]);
    const page = await service.listDatasets(who, { limit: 2 });
    expect(page.nextCursor).toBe("support/refunds");
  });

  it("deletes the staged rows of imports that never finished, once no import can still be running", async () => {
    const who = await editorOf();
    const service = datasets();
    await service.createDataset(who, { name: "qa/refunds", description: "" });
    const dataset = await storage.engine.db
      .selectFrom("datasets")
      .select("id")
      .where("projectId", "=", who.projectId)
      .executeTakeFirstOrThrow();
    const staged = (rowId: string, createdAt: string) => ({
      rowId,
      datasetId: dataset.id,
      caseId: rowId,
      firstRevision: null,
      removedRevision: null,
      pendingImport: `import-${rowId}`,
      input: { variables: {} },
      expected: null,
      tags: [],
      metadata: {},
      sourceKind: "import" as const,
      sourceRef: null,
      createdAt,
      createdBy: "apikey:curator",
    });
    const old = `${who.projectId}-old`;
    const young = `${who.projectId}-young`;
    await storage.engine.db
      .insertInto("datasetCases")
      .values([staged(old, "2026-03-04T05:00:00.000Z"), staged(young, "2026-03-04T05:05:30.000Z")])
      .execute();
    expect(await service.removeAbandonedImports()).toBeGreaterThanOrEqual(1);
    const left = await storage.engine.db
      .selectFrom("datasetCases")
      .select("rowId")
      .where("rowId", "in", [old, young])
      .execute();
    expect(left.map((r) => r.rowId)).toEqual([young]);
    expect((await service.listCases(who, "qa/refunds", { limit: 10 })).items).toEqual([]);
  });
});
