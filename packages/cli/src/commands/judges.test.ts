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

describe("promptline judges", () => {
  it("lists the ready rubrics", async () => {
    const listed = await cli("judges", "list");
    expect(listed.code).toBe(EXIT.ok);
    for (const rubric of ["factuality", "relevance", "tone", "safety"]) {
      expect(listed.stdout).toContain(rubric);
    }
  });

  it("copies a rubric into a judge prompt published as v1, with the model it is told", async () => {
    const copied = await cli(
      "judges",
      "copy",
      "tone",
      "--name",
      "judges/our-tone",
      "--provider",
      "local",
      "--model",
      "judge-model",
    );
    expect(copied.code).toBe(EXIT.ok);
    expect(copied.stdout).toContain("created judges/our-tone v1 from the");
    expect(copied.stdout).toContain(`'{"type":"judge","prompt":"judges/our-tone"}'`);
    const version = await server.call("GET", "/api/v1/prompts/judges%2Four-tone/versions/1");
    expect(version.status).toBe(200);
    expect(version.body.content.config).toMatchObject({
      provider: "local",
      model: "judge-model",
      temperature: 0,
    });
    expect(JSON.stringify(version.body.content.messages)).toContain("{{output}}");
  });

  it("says which model is missing, and refuses a rubric that does not exist", async () => {
    const copied = await cli("judges", "copy", "safety");
    expect(copied.code).toBe(EXIT.ok);
    expect(copied.stdout).toContain("it names no model");
    const unknown = await cli("judges", "copy", "bleu");
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain("no rubric named 'bleu': use one of factuality");
    // Copying again over an existing prompt is the server's 409, not a second prompt.
    expect((await cli("judges", "copy", "safety")).code).toBe(EXIT.conflict);
  });
});
