import { MAX_RENDER_STEPS, MAX_REPEATED_CHARS } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
type Loose = Record<string, any>;

const nested = "limits/nested";
const outline = "limits/outline";
const eightDeep = `${"{{#a}}".repeat(8)}x${"{{/a}}".repeat(8)}`;
const tenItems = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** About 3 KB of JSON that asks for a million characters of output. */
const millionChars = { title: "t".repeat(2000), sections: Array(500).fill(0) };

describe.each(testEngines())("template render limits (%s)", (kind) => {
  let server: TestServer;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    await server.call("POST", "/api/v1/providers", { name: "dry", kind: "echo" });
    for (const [name, text] of [
      [nested, eightDeep],
      [outline, "{{title}}{{#sections}}\n## {{title}}{{/sections}}"],
    ] as const) {
      const draft = { type: "text", text, config: { provider: "dry", model: "echo-1" } };
      expect(
        (await server.call("POST", "/api/v1/prompts", { name, type: "text", draft })).status,
      ).toBe(201);
      expect(
        (
          await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
            commitMessage: "v1",
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await server.call("POST", `/api/v1/prompts/${enc(name)}/deployments`, {
            environment: "production",
            version: 1,
          })
        ).status,
      ).toBe(201);
    }
    viewer = (await server.call("POST", "/api/v1/api-keys", { name: "app", role: "viewer" })).body
      .key;
  });
  afterAll(() => server?.stop());

  const compile = (name: string, variables: unknown) =>
    server.call("POST", `/api/v1/client/prompts/${enc(name)}/compile`, { variables }, viewer);

  it("refuses a viewer's compile of sections nested 8 deep over ten items, naming the step limit, while /healthz answers", async () => {
    const [refusals, health] = await Promise.all([
      Promise.all([1, 2, 3].map(() => compile(nested, { a: tenItems }))),
      fetch(`${server.url}/healthz`),
    ]);
    expect(health.status).toBe(200);
    for (const { status, body } of refusals) {
      expect(status).toBe(400);
      expect(body.message).toContain("the render step limit");
      expect(body.details).toEqual({ path: "text", limit: "renderSteps", max: MAX_RENDER_STEPS });
    }
    const small = await compile(nested, { a: [1] });
    expect(small.status).toBe(200);
    expect(small.body.text).toBe("x");
  });

  it("refuses a compile that asks for a million characters, naming the repeated-text limit", async () => {
    const { status, body } = await compile(outline, millionChars);
    expect(status).toBe(400);
    expect(body.message).toContain("the repeated-text limit");
    expect(body.details).toMatchObject({ limit: "repeatedChars", max: MAX_REPEATED_CHARS });
    const fine = await compile(outline, { title: "Plan", sections: [1, 2] });
    expect(fine.body.text).toBe("Plan\n## Plan\n## Plan");
  });

  it("refuses a gateway call and a playground run that ask for a million characters, OpenAI-shaped", async () => {
    for (const model of [`prompt:${outline}`, `prompt:${outline}@draft`]) {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [], promptline: { variables: millionChars } }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as Loose;
      expect(body.error.message).toContain("the repeated-text limit");
    }
  });

  it("refuses saving a draft whose default alone passes the step limit", async () => {
    const { status, body } = await server.call("PUT", `/api/v1/prompts/${enc(nested)}/draft`, {
      type: "text",
      text: eightDeep,
      variables: { a: { type: "array", default: tenItems } },
    });
    expect(status).toBe(400);
    expect(body.message).toContain("the render step limit");
    expect(body.message).toContain("defaults alone");
    const saved = await server.call("PUT", `/api/v1/prompts/${enc(nested)}/draft`, {
      type: "text",
      text: eightDeep,
      variables: { a: { type: "array", default: [1, 2] } },
    });
    expect(saved.status).toBe(200);
  });

  it("never changes a published version's default, however often it is compiled, when the template names array methods", async () => {
    const name = "limits/pop";
    const draft = {
      type: "text",
      text: "[{{#m}}{{pop}}{{sort}}{{/m}}]",
      variables: { m: { type: "array", default: [[5, 1, 4, 2, 3]] } },
    };
    expect(
      (await server.call("POST", "/api/v1/prompts", { name, type: "text", draft })).status,
    ).toBe(201);
    const published = await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
      commitMessage: "v1",
    });
    expect(published.status).toBe(201);
    const answers = [];
    for (const _ of [1, 2, 3]) {
      const { status, body } = await server.call(
        "POST",
        `/api/v1/client/prompts/${enc(name)}/compile`,
        { version: 1, variables: {} },
        viewer,
      );
      expect(status).toBe(200);
      answers.push(body.text);
    }
    expect(answers).toEqual(["[]", "[]", "[]"]);
    const version = await server.call("GET", `/api/v1/prompts/${enc(name)}/versions/1`);
    expect(version.body.content.variables.m.default).toEqual([[5, 1, 4, 2, 3]]);
  });

  it("saves a draft naming hasOwnProperty and constructor, and compiles it as ordinary variables, never a 500", async () => {
    const name = "limits/builtins";
    const text =
      "{{hasOwnProperty}}|{{valueOf}}|{{s}}{{#flag}}{{#s}}[{{constructor.raw}}]{{/s}}{{/flag}}";
    const draft = { type: "text", text, config: { provider: "dry", model: "echo-1" } };
    const created = await server.call("POST", "/api/v1/prompts", { name, type: "text", draft });
    expect(created.status).toBe(201);
    const saved = await server.call("PUT", `/api/v1/prompts/${enc(name)}/draft`, draft);
    expect(saved.status).toBe(200);
    expect(
      (await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, { commitMessage: "v1" }))
        .status,
    ).toBe(201);
    const compile = (variables: unknown) =>
      server.call(
        "POST",
        `/api/v1/client/prompts/${enc(name)}/compile`,
        { version: 1, variables },
        viewer,
      );
    const missing = await compile({ flag: true, s: "abc" });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain("missing required variables: hasOwnProperty, valueOf");
    const given = await compile({ hasOwnProperty: "a", valueOf: "b", flag: true, s: "abc" });
    expect(given.status).toBe(200);
    expect(given.body.text).toBe("a|b|abc[]");
  });
});
