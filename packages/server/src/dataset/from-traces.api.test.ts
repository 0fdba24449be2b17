import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

describe.each(testEngines())("cases from traces on %s", (engine) => {
  let server: TestServer;
  let name: string;
  let path: string;
  /** Each test's own prompt, so filters see only its traces. */
  let prompt: string;

  /** A call of `prompt` v`version` an hour apart, as the gateway records one. */
  const call = (
    id: string,
    version: number,
    hour: number,
    extra: Record<string, unknown> = {},
  ) => ({
    id,
    startTime: new Date(Date.UTC(2026, 10, 20, hour)).toISOString(),
    prompt: { name: prompt, version, label: "production" },
    model: "gpt-4o",
    input: [{ role: "user", content: `question ${id}` }],
    output: [{ role: "assistant", content: `answer ${id}` }],
    metadata: { variables: { customer: id } },
    ...extra,
  });

  async function ingest(traces: unknown[]) {
    const answer = await server.call("POST", "/api/v1/traces", { traces });
    expect(answer.body.rejected).toEqual([]);
  }
  const fromTraces = (body: unknown, key?: string) =>
    server.call("POST", `${path}/from-traces`, body, key);
  const cases = async () => (await server.call("GET", `${path}/cases`)).body.items;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    name = uniqueName("support/from-prod");
    prompt = uniqueName("support/agent");
    path = `/api/v1/datasets/${enc(name)}`;
    expect((await server.call("POST", "/api/v1/datasets", { name })).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it("turns named traces into cases: variables as input, output as the reference, linked back", async () => {
    const run = uniqueName("t");
    await ingest([
      call(`${run}-aaaa`, 3, 1),
      call(`${run}-bbbb`, 3, 2, { metadata: {}, output: "plain text answer" }),
    ]);
    const made = await fromTraces({
      traceIds: [`${run}-bbbb`, `${run}-aaaa`],
      tags: ["regression"],
      message: "from the explorer",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      added: 2,
      revision: { revision: 1, message: "from the explorer", added: 2, caseCount: 2 },
    });
    expect(await cases()).toEqual([
      expect.objectContaining({
        input: { variables: {} },
        expected: "plain text answer",
        tags: ["regression"],
        metadata: { traceId: `${run}-bbbb`, prompt, version: 3 },
        source: { kind: "trace", ref: `${run}-bbbb` },
      }),
      expect.objectContaining({
        input: { variables: { customer: `${run}-aaaa` } },
        expected: `answer ${run}-aaaa`,
        source: { kind: "trace", ref: `${run}-aaaa` },
      }),
    ]);
  });

  it("answers 404 naming unknown trace ids, and adds nothing", async () => {
    const run = uniqueName("t");
    await ingest([call(`${run}-aaaa`, 1, 1)]);
    const refused = await fromTraces({ traceIds: [`${run}-aaaa`, "missing-trace-1", "bad id!"] });
    expect(refused.status).toBe(404);
    expect(refused.body.details).toEqual({ traceIds: ["missing-trace-1", "bad id!"] });
    expect((await server.call("GET", path)).body.latestRevision).toBe(0);
  });

  it("takes every trace matching a filter (thumbs-down on one version), newest first, up to the limit", async () => {
    const run = uniqueName("t");
    const down = { scores: [{ name: "feedback", value: false }] };
    const up = { scores: [{ name: "feedback", value: true }] };
    await ingest([
      call(`${run}-v7-1`, 7, 1, down),
      call(`${run}-v7-2`, 7, 2, up),
      call(`${run}-v7-3`, 7, 3, down),
      call(`${run}-v7-4`, 7, 4, down),
      call(`${run}-v6-5`, 6, 5, down),
    ]);
    const filter = { prompt, version: 7, scoreName: "feedback", maxScore: 0 };
    const made = await fromTraces({ filter, limit: 2 });
    expect(made.status).toBe(201);
    expect(made.body.added).toBe(2);
    expect(
      (await cases()).map((c: { metadata: { traceId: string } }) => c.metadata.traceId),
    ).toEqual([`${run}-v7-4`, `${run}-v7-3`]);
    const all = await fromTraces({ filter });
    expect(all.body.revision).toMatchObject({ revision: 2, added: 3, caseCount: 5 });
    const none = await fromTraces({ filter: { prompt, version: 99 } });
    expect(none.status).toBe(400);
    expect(none.body.message).toContain("no trace matches");
  });

  it("takes only production calls unless the filter names an origin", async () => {
    const run = uniqueName("o");
    await ingest([
      call(`${run}-prod`, 1, 1),
      call(`${run}-judge`, 1, 2, { origin: "evaluation" }),
      call(`${run}-try`, 1, 3, { origin: "playground" }),
    ]);
    const traceIds = async () =>
      (await cases()).map((c: { metadata: { traceId: string } }) => c.metadata.traceId);
    expect((await fromTraces({ filter: { prompt } })).body.added).toBe(1);
    expect(await traceIds()).toEqual([`${run}-prod`]);
    expect((await fromTraces({ filter: { prompt, origin: "evaluation" } })).body.added).toBe(1);
    expect((await fromTraces({ filter: { prompt, origin: "all" } })).body.added).toBe(3);
    expect(await traceIds()).toContain(`${run}-judge`);
  });

  it("needs either trace ids or a filter, and the permission to read traces as well as to write", async () => {
    const neither = await fromTraces({ tags: ["x"] });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toContain("either traceIds or filter");
    const both = await fromTraces({ traceIds: ["abcdefgh"], filter: {} });
    expect(both.status).toBe(400);
  });
});
