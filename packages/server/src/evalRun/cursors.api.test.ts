import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertDataset, insertRun } from "../test-support/eval-rows.js";
import {
  createTextPrompt,
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const CURSOR_HELP = "a cursor is the nextCursor of the previous page";

/** Id cursors (runs, results, cases): a malformed one is a 400, not an empty last page. */
describe.each(testEngines())("page cursors of runs, results and cases on %s", (engine) => {
  let server: TestServer;
  let runId: string;
  let dataset: string;

  beforeAll(async () => {
    server = await startTestServer(engine);
    const prompt = uniqueName("eval/cursors");
    dataset = uniqueName("eval/cursor-cases");
    await createTextPrompt(server, prompt, ["one"]);
    await insertDataset(server, dataset);
    runId = await insertRun(server, {
      prompt,
      dataset,
      version: 1,
      scores: [{ scorer: "equals", mean: 1 }],
    });
  });
  afterAll(() => server?.stop());

  it.each([
    ["a run's results", () => `/api/v1/eval-runs/${runId}/results?after=`, "a case id"],
    ["the runs", () => "/api/v1/eval-runs?before=", "a run id"],
    ["a dataset's cases", () => `/api/v1/datasets/${enc(dataset)}/cases?after=`, "a case id"],
  ])("refuses a malformed cursor for %s, saying what a cursor is", async (_, path, what) => {
    const garbage = await server.call("GET", `${path()}garbage`);
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toContain(CURSOR_HELP);
    expect(garbage.body.message).toContain(what);
    const uuid = await server.call("GET", `${path()}0193a5b0-7e1c-7cc3-9a1b-3c4d5e6f7a8b`);
    expect(uuid.status).toBe(200);
  });
});
