import type { AuditEventList, OnlineEvalRule, OnlineEvalRuleList } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTextPrompt,
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const CONTAINS = { type: "contains", values: ["refund"] };

describe.each(testEngines())("online-evaluation rules on %s", (engine) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server?.stop());

  const rulePath = (prompt: string, environment: string) =>
    `/api/v1/prompts/${enc(prompt)}/online-evaluations/${environment}`;

  async function keyWithRole(role: "editor" | "viewer") {
    const created = await server.call<{ key: string }>("POST", "/api/v1/api-keys", {
      name: uniqueName(role),
      role,
    });
    return created.body.key;
  }

  it("sets, lists, replaces and removes a prompt's rule per environment, each change in the audit log", async () => {
    const name = uniqueName("online/rules");
    await createTextPrompt(server, name, ["Hello"]);
    const editor = await keyWithRole("editor");

    const set = await server.call<OnlineEvalRule>(
      "PUT",
      rulePath(name, "production"),
      { rate: 0.25, scorers: [CONTAINS] },
      editor,
    );
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      prompt: name,
      environment: "production",
      rate: 0.25,
      scorers: [{ type: "contains", values: ["refund"], mode: "any" }],
      updatedBy: expect.stringContaining("editor"),
    });
    await server.call("PUT", rulePath(name, "staging"), {
      rate: 1,
      scorers: [{ type: "json-valid" }],
    });
    const replaced = await server.call<OnlineEvalRule>("PUT", rulePath(name, "production"), {
      rate: 0.5,
      scorers: [CONTAINS, { type: "length", name: "short", max: 200 }],
    });
    expect(replaced.body.rate).toBe(0.5);

    const listed = await server.call<OnlineEvalRuleList>(
      "GET",
      `/api/v1/online-evaluations?prompt=${enc(name)}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r) => [r.environment, r.rate, r.scorers.length])).toEqual([
      ["production", 0.5, 2],
      ["staging", 1, 1],
    ]);

    expect((await server.call("DELETE", rulePath(name, "staging"), undefined, editor)).status).toBe(
      204,
    );
    const after = await server.call<OnlineEvalRuleList>(
      "GET",
      `/api/v1/online-evaluations?prompt=${enc(name)}`,
    );
    expect(after.body.items.map((r) => r.environment)).toEqual(["production"]);
    const again = await server.call("DELETE", rulePath(name, "staging"));
    expect(again.status).toBe(404);
    expect(again.body.message).toContain("no online-evaluation rule for 'staging'");

    const events = await server.call<AuditEventList>(
      "GET",
      `/api/v1/events?prompt=${enc(name)}&type=online_eval.rule_set,online_eval.rule_removed`,
    );
    expect(events.body.items.map((e) => e.type)).toEqual([
      "online_eval.rule_removed",
      "online_eval.rule_set",
      "online_eval.rule_set",
      "online_eval.rule_set",
    ]);
    expect(events.body.items[0]?.payload).toEqual({ environment: "staging" });
  });

  it("lets viewers read the rules but not set or remove them", async () => {
    const name = uniqueName("online/viewer");
    await createTextPrompt(server, name, ["Hello"]);
    await server.call("PUT", rulePath(name, "production"), { rate: 0.1, scorers: [CONTAINS] });
    const viewer = await keyWithRole("viewer");

    const listed = await server.call<OnlineEvalRuleList>(
      "GET",
      `/api/v1/online-evaluations?prompt=${enc(name)}`,
      undefined,
      viewer,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    const put = await server.call(
      "PUT",
      rulePath(name, "production"),
      { rate: 1, scorers: [CONTAINS] },
      viewer,
    );
    expect(put.status).toBe(403);
    expect(put.body.message).toContain("evaluation:run");
    expect(
      (await server.call("DELETE", rulePath(name, "production"), undefined, viewer)).status,
    ).toBe(403);
  });

  it("refuses a prompt or environment that does not exist with 404", async () => {
    const name = uniqueName("online/missing");
    await createTextPrompt(server, name, ["Hello"]);
    const body = { rate: 0.1, scorers: [CONTAINS] };

    const noPrompt = await server.call("PUT", rulePath("online/never-made", "production"), body);
    expect(noPrompt.status).toBe(404);
    expect(noPrompt.body.message).toContain("no prompt named 'online/never-made'");
    const noEnvironment = await server.call("PUT", rulePath(name, "eu-prod"), body);
    expect(noEnvironment.status).toBe(404);
    expect(noEnvironment.body.message).toContain("no environment named 'eu-prod'");
  });

  it("refuses a bad rate or scorer with 400 and a message saying what to fix", async () => {
    const name = uniqueName("online/bad");
    await createTextPrompt(server, name, ["Hello"]);
    const path = rulePath(name, "production");
    const cases: Array<[unknown, string]> = [
      [{ rate: 1.5, scorers: [CONTAINS] }, "between 0 and 1"],
      [{ rate: 0.1, scorers: [{ type: "sentiment" }] }, "scorers"],
      [{ rate: 0.1, scorers: [] }, "scorers"],
      [{ rate: 0.1, scorers: [CONTAINS, CONTAINS] }, "give each a distinct name"],
      [
        { rate: 0.1, scorers: [{ type: "judge", prompt: "judges/never-made" }] },
        "no judge prompt named 'judges/never-made'",
      ],
      [
        { rate: 0.1, scorers: [CONTAINS, { type: "regex", name: "shape", pattern: "(" }] },
        "scorers.1 ('shape'): the pattern /(/ is not a regular expression scorers can run: missing closing ): `(`",
      ],
      [
        { rate: 0.1, scorers: [{ type: "regex", pattern: "a(?=b)" }] },
        "scorers.0 ('regex'): the pattern /a(?=b)/ uses lookaround/backreferences, which scorers do not support: the lookahead (?=…)",
      ],
      [
        { rate: 0.1, scorers: [{ type: "json-schema", schema: { type: "nonsense" } }] },
        "scorers.0 ('json-schema'): the JSON Schema cannot be used: schema is invalid: data/type must be equal to one of the allowed values",
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await server.call("PUT", path, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message ?? JSON.stringify(answer.body)).toContain(message);
    }
    const listed = await server.call<OnlineEvalRuleList>(
      "GET",
      `/api/v1/online-evaluations?prompt=${enc(name)}`,
    );
    expect(listed.body.items).toEqual([]);
  });
});
