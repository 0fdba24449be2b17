import { MAX_JSON_DEPTH } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failInsertsInto } from "../test-support/failing-table.js";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";
import { nestedArrayJson } from "../test-support/nested-bodies.js";

const CREATE = "/api/public/v2/prompts";

describe.each(testEngines())("Langfuse prompt create on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server?.stop());

  const promptStatus = async (name: string) =>
    (await server.call("GET", `/api/v1/prompts/${enc(name)}`)).status;
  const environments = async () =>
    (await server.call("GET", "/api/v1/environments")).body.items.map(
      (e: { name: string }) => e.name,
    );

  it.each([
    ["the version", "prompt_versions"],
    ["a label", "deployments"],
  ])(
    "a create that fails at %s leaves no prompt, version, environment or label behind",
    async (_, table) => {
      const name = `atomic/${table}`;
      const label = `canary-${table.replace("_", "-")}`;
      const body = { name, prompt: "Hello {{name}}", labels: [label], config: { model: "gpt-4o" } };
      const restore = await failInsertsInto(server, table);
      let failed: Awaited<ReturnType<TestServer["call"]>>;
      try {
        failed = await server.call("POST", CREATE, body);
      } finally {
        await restore();
      }
      expect(failed.status).toBe(500);
      expect(await promptStatus(name)).toBe(404);
      expect(await environments()).not.toContain(label);

      // Nothing half-made is in the way: the same create now makes version 1 with its label.
      const retried = await server.call("POST", CREATE, body);
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ name, version: 1, labels: [label, "latest"] });
    },
  );

  it("refuses a config nested 4,000 deep with a 400 naming the limit, and creates nothing", async () => {
    const body = `{"name":"deep/config","prompt":"hi","config":{"x":${nestedArrayJson(4000)}}}`;
    const { status, body: problem } = await server.call("POST", CREATE, body);
    expect(status).toBe(400);
    expect(problem.message).toMatch(new RegExp(`nested more than ${MAX_JSON_DEPTH} levels deep`));
    expect(await promptStatus("deep/config")).toBe(404);
  });

  it("takes a config nested about 20 deep and gives it back unchanged", async () => {
    const config = { model: "gpt-4o", schema: JSON.parse(nestedArrayJson(20)) };
    const created = await server.call("POST", CREATE, {
      name: "nested/config",
      prompt: "hi",
      config,
    });
    expect(created.status).toBe(201);
    const fetched = await server.call("GET", `${CREATE}/${enc("nested/config")}?version=1`);
    expect(fetched.body.config).toEqual(config);
  });

  it("concurrent creates of one new prompt with a new label all land, as successive versions", async () => {
    const creates = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        server.call("POST", CREATE, { name: "race/new", prompt: `take ${n}`, labels: ["race"] }),
      ),
    );
    expect(creates.map((c) => c.status)).toEqual([201, 201, 201, 201]);
    expect(creates.map((c) => c.body.version).sort()).toEqual([1, 2, 3, 4]);
    const listed = await server.call("GET", `${CREATE}?name=${enc("race/new")}`);
    expect(listed.body.data[0].versions).toEqual([1, 2, 3, 4]);
    expect(await environments()).toContain("race");
  });
});
