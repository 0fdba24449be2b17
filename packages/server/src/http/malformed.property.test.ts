import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../storage/index.js";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";
import { MAX_BODY_BYTES } from "./limits.js";

const prompt = `/api/v1/prompts/${enc("support/agent")}`;

/** Every write endpoint with one valid body: malformed bodies are derived from these. */
const WRITE_ENDPOINTS: Array<{ method: string; path: string; valid: Record<string, unknown> }> = [
  { method: "POST", path: "/api/v1/prompts", valid: { name: "new/prompt", type: "text" } },
  { method: "PATCH", path: prompt, valid: { description: "changed" } },
  { method: "PUT", path: `${prompt}/draft`, valid: { type: "text", text: "changed {{x}}" } },
  {
    method: "POST",
    path: `${prompt}/versions`,
    valid: { commitMessage: "publish", bump: "minor" },
  },
  { method: "POST", path: `${prompt}/deployments`, valid: { environment: "staging", version: 1 } },
  { method: "POST", path: `${prompt}/rollbacks`, valid: { environment: "staging", toVersion: 1 } },
  { method: "POST", path: "/api/v1/environments", valid: { name: "qa", protected: false } },
  { method: "POST", path: "/api/v1/api-keys", valid: { name: "bot", role: "viewer" } },
  {
    method: "POST",
    path: `/api/v1/client/prompts/${enc("support/agent")}/compile`,
    valid: { variables: {} },
  },
  { method: "POST", path: "/api/v1/providers", valid: { name: "dry", kind: "echo" } },
  { method: "PATCH", path: "/api/v1/providers/local", valid: { timeoutMs: 1000 } },
  {
    method: "PUT",
    path: "/api/v1/model-prices/gpt-4o",
    valid: { inputPerMillion: 1, outputPerMillion: 2 },
  },
  {
    method: "POST",
    path: "/api/v1/traces",
    valid: { traces: [{ startTime: "2026-11-27T00:00:00.000Z" }] },
  },
];

const kindOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const anyJson = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }),
);

/** A body that cannot be valid: an unknown field, a field of the wrong type, not an object, or not JSON. */
function malformed(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  const unknownField = fc
    .tuple(fc.stringMatching(/^[a-zA-Z_]{1,12}$/), fc.jsonValue())
    .filter(([key]) => !keys.includes(key))
    .map(([key, value]) => JSON.stringify({ ...valid, [key]: value }));
  const wrongType = fc
    .tuple(fc.constantFrom(...keys), anyJson)
    .filter(([key, value]) => kindOf(value) !== kindOf(valid[key]))
    .map(([key, value]) => JSON.stringify({ ...valid, [key]: value }));
  const notAnObject = fc
    .oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.jsonValue(), { maxLength: 3 }),
    )
    .map((v) => JSON.stringify(v));
  const notJson = fc.string({ minLength: 1 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });
  // Numbers PostgreSQL cannot store (beyond 32 bits).
  const unstorable = fc
    .tuple(fc.constantFrom(...keys), fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }))
    .map(([key, value]) => JSON.stringify({ ...valid, [key]: value }));
  return fc.oneof(unknownField, wrongType, notAnObject, notJson, unstorable);
}

async function snapshot(server: TestServer): Promise<string> {
  const { db } = server.services.engine;
  const tables: Array<keyof Database> = [
    "projects",
    "apiKeys",
    "prompts",
    "promptVersions",
    "environments",
    "labels",
    "deployments",
    "events",
    "providerConnections",
    "modelPrices",
    "traces",
    "traceScores",
  ];
  const dump: Record<string, unknown> = {};
  for (const table of tables) dump[table] = await db.selectFrom(table).selectAll().execute();
  return JSON.stringify(dump);
}

describe.each(testEngines())("malformed input on %s", (engine) => {
  let server: TestServer;
  let before: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    await server.call("POST", "/api/v1/prompts", { name: "support/agent", type: "text" });
    await server.call("POST", `${prompt}/versions`, {
      commitMessage: "v1",
      content: { type: "text", text: "{{x}}" },
    });
    await server.call("POST", `${prompt}/deployments`, { environment: "staging", version: 1 });
    await server.call("POST", "/api/v1/providers", { name: "local", kind: "echo" });
    before = await snapshot(server);
  });
  afterAll(() => server?.stop());

  it.each(WRITE_ENDPOINTS)(
    "$method $path answers 4xx problems and changes nothing",
    async ({ method, path, valid }) => {
      await fc.assert(
        fc.asyncProperty(malformed(valid), async (body) => {
          const response = await server.call(method, path, body);
          expect(
            response.status,
            `${body} → ${JSON.stringify(response.body)}`,
          ).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.body).toMatchObject({
            status: response.status,
            code: expect.any(String),
          });
          expect(response.body.message.length).toBeGreaterThan(5);
        }),
        { numRuns: 60 },
      );
      expect(await snapshot(server)).toBe(before);
    },
  );

  it("answers reads with out-of-range numbers or NUL characters in names with 4xx, on both engines", async () => {
    const client = `/api/v1/client/prompts/${enc("support/agent")}`;
    const paths = [
      `${prompt}/versions/99999999999`,
      `${client}?version=99999999999`,
      `${prompt}/diff?from=1&to=99999999999`,
      `${prompt}/deployments?before=99999999999`,
      `${client}?label=prod%00`,
      `/api/v1/prompts/${enc("support/agent\u0000")}`,
    ];
    for (const path of paths) {
      const { status } = await server.call("GET", path);
      expect(`${path} ${status >= 400 && status < 500}`).toBe(`${path} true`);
    }
  });

  it("explains invalid names, unclosed tags, unknown fields and wrong types", async () => {
    const cases: Array<[string, string, unknown, string]> = [
      [
        "POST",
        "/api/v1/prompts",
        { name: "/bad//name", type: "text" },
        "body.name: a prompt name is",
      ],
      ["PUT", `${prompt}/draft`, { type: "text", text: "Hi {{name" }, "text: Unclosed tag"],
      [
        "POST",
        "/api/v1/prompts",
        { name: "ok", type: "text", colour: "red" },
        'Unrecognized key: "colour"',
      ],
      ["POST", `${prompt}/deployments`, { environment: "staging", version: "1" }, "body.version"],
      [
        "PUT",
        `${prompt}/draft`,
        { type: "chat", messages: [{ role: "user", content: "x" }] },
        "is a text prompt",
      ],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await server.call(method, path, body);
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(message);
    }
    expect(await snapshot(server)).toBe(before);
  });
  // Last: the server answers before reading the whole body, so the client connection is spent.
  it("refuses bodies over the size limit with 413", async () => {
    const huge = JSON.stringify({ type: "text", text: "x".repeat(MAX_BODY_BYTES) });
    const response = await server.call("PUT", `${prompt}/draft`, huge);
    expect(response.status).toBe(413);
    expect(response.body.message).toContain(String(MAX_BODY_BYTES));
    expect(await snapshot(server)).toBe(before);
  });
});
