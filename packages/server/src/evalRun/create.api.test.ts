import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyLatestRevision, seedDataset } from "../test-support/datasets.js";
import {
  addConnection,
  type Loose,
  publishTexts,
  startEvalUpstream,
} from "../test-support/eval.js";
import type { FakeUpstream } from "../test-support/fake-openai.js";
import {
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

describe.each(testEngines())("starting an evaluation run with bad input (%s)", (kind) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  let prompt: string;
  let dataset: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    upstream = await startEvalUpstream();
    await addConnection(server, "local", upstream);
    prompt = uniqueName("bad/prompt");
    dataset = uniqueName("bad/cases");
    await publishTexts(server, prompt, "local", ["{{question}}"]);
    await seedDataset(server, dataset, [
      { input: { variables: { question: "q" } }, expected: "echo: q" },
    ]);
    // Nothing here should run: every request below is refused before a run exists.
    await server.services.evalRunner.stop();
  });

  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  const start = (body: Loose) =>
    server.call<Loose>("POST", "/api/v1/eval-runs", {
      prompt,
      dataset,
      candidates: [{ version: 1 }],
      scorers: [{ type: "equals" }],
      ...body,
    });

  it("an unknown scorer type is a 400 naming the field and listing the valid types", async () => {
    const answer = await start({ scorers: [{ type: "bleu" }] });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(
      "body.scorers.0.type: unknown scorer type 'bleu': use one of equals, contains, not-contains, regex, json-valid, json-schema, length, constraints, latency, cost, similarity, judge",
    );
  });

  it("two scorers under one name are a 400 saying to name them", async () => {
    const answer = await start({ scorers: [{ type: "equals" }, { type: "equals" }] });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain("two scorers are named 'equals'");
  });

  it("a regex RE2 cannot run or a JSON Schema ajv cannot compile is a 400 naming the scorer", async () => {
    const cases: Array<[Loose, string]> = [
      [
        { type: "regex", name: "shape", pattern: "(" },
        "scorers.1 ('shape'): the pattern /(/ is not a regular expression scorers can run: missing closing ): `(`",
      ],
      [
        { type: "regex", pattern: "(\\w)\\1" },
        "scorers.1 ('regex'): the pattern /(\\w)\\1/ uses lookaround/backreferences, which scorers do not support: the backreference \\1",
      ],
      [
        { type: "json-schema", schema: { type: "nonsense" } },
        "scorers.1 ('json-schema'): the JSON Schema cannot be used: schema is invalid:",
      ],
    ];
    for (const [scorer, message] of cases) {
      const answer = await start({ scorers: [{ type: "equals" }, scorer] });
      expect(answer.status, JSON.stringify(scorer)).toBe(400);
      expect(answer.body.message).toContain(message);
    }
    const runs = await server.call<Loose>(
      "GET",
      `/api/v1/eval-runs?prompt=${encodeURIComponent(prompt)}`,
    );
    expect(runs.body.items).toEqual([]);
  });

  it("a dataset revision that does not exist is a 404 naming the latest", async () => {
    const answer = await start({ revision: 7 });
    expect(answer.status).toBe(404);
    expect(answer.body.message).toBe(`dataset '${dataset}' has no revision 7; the latest is 1`);
  });

  it("a judge whose prompt does not exist is a 404", async () => {
    const answer = await start({ scorers: [{ type: "judge", prompt: "judges/nowhere" }] });
    expect(answer.status).toBe(404);
    expect(answer.body.message).toContain("judges/nowhere");
  });

  it("missing prompt, version, label, dataset, environment or connection: a 404 naming it", async () => {
    const cases: Array<[Loose, string]> = [
      [{ prompt: "bad/none" }, "no prompt named 'bad/none'"],
      [{ candidates: [{ version: 9 }] }, "has no version 9; the latest is 1"],
      [{ candidates: [{ label: "canary" }] }, "has no version labelled 'canary'"],
      [{ dataset: "bad/no-data" }, "no dataset named 'bad/no-data'"],
      [{ environment: "qa" }, "no environment named 'qa'"],
      [{ baseline: { environment: "staging" } }, "environment 'staging' serves no version"],
      [{ models: [{ provider: "elsewhere" }] }, "no provider connection named 'elsewhere'"],
    ];
    for (const [body, message] of cases) {
      const answer = await start(body);
      expect(answer.status, JSON.stringify(body)).toBe(404);
      expect(answer.body.message).toContain(message);
    }
  });

  it("a dataset with no cases is a 422", async () => {
    const empty = uniqueName("bad/empty");
    const { caseIds } = await seedDataset(server, empty, [
      { input: { variables: { question: "gone" } } },
    ]);
    await emptyLatestRevision(server, empty, caseIds);
    const answer = await start({ dataset: empty });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe(`dataset '${empty}' revision 2 has no cases: nothing to run`);
    const never = uniqueName("bad/never");
    await seedDataset(server, never, []);
    expect((await start({ dataset: never })).status).toBe(422);
  });

  it("content of the wrong type, too many candidates, or concurrency out of range: 400", async () => {
    const wrongType = await start({
      candidates: [{ content: { type: "chat", messages: [{ role: "user", content: "hi" }] } }],
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain("is a text prompt");
    const many = await start({ candidates: Array.from({ length: 6 }, () => ({ version: 1 })) });
    expect(many.status).toBe(400);
    expect((await start({ concurrency: 33 })).status).toBe(400);
    expect((await start({ requestsPerMinute: 0 })).status).toBe(400);
  });

  it("an unknown run is a 404 on every route; results filters out of range are a 400", async () => {
    for (const path of ["", "/results", "/progress"]) {
      expect((await server.call("GET", `/api/v1/eval-runs/nope${path}`)).status).toBe(404);
    }
    for (const path of ["/cancel", "/resume"]) {
      expect((await server.call("POST", `/api/v1/eval-runs/nope${path}`)).status).toBe(404);
    }
    const created = await start({});
    expect(created.status).toBe(201);
    const results = (query: string) =>
      server.call<Loose>("GET", `/api/v1/eval-runs/${created.body.id}/results?${query}`);
    expect((await results("variant=5")).status).toBe(400);
    const noBaseline = await results("outcome=improved");
    expect(noBaseline.status).toBe(400);
    expect(noBaseline.body.message).toContain("no baseline");
    expect((await results("limit=501")).status).toBe(400);
  });
});
