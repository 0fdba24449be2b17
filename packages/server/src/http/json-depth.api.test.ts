import { gzipSync } from "node:zlib";
import { MAX_JSON_DEPTH } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";
import {
  NESTED_TRACE_ID,
  nestedArrayJson,
  otlpJsonWithNestedAttribute,
  otlpProtobufWithNestedAttribute,
} from "../test-support/nested-bodies.js";

const TOO_DEEP = new RegExp(`nested more than ${MAX_JSON_DEPTH} levels deep`);

/** A text prompt's content whose config holds arrays `depth` deep (the content is depth + 3). */
const contentNested = (depth: number, text = "Hello") =>
  `{"type":"text","text":"${text}","config":{"extra":{"schema":${nestedArrayJson(depth)}}}}`;

describe.each(testEngines())("deeply nested JSON on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server?.stop());

  const sendOtlp = (body: Uint8Array | string, type: string, encoding?: string) =>
    fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.adminKey}`,
        "content-type": type,
        ...(encoding && { "content-encoding": encoding }),
      },
      body,
    });

  it("refuses a draft nested 4,000 deep with a 400 naming the limit, and keeps the draft it had", async () => {
    const name = "deep/draft";
    expect((await server.call("POST", "/api/v1/prompts", { name, type: "text" })).status).toBe(201);
    const saved = await server.call(
      "PUT",
      `/api/v1/prompts/${enc(name)}/draft`,
      contentNested(4000),
    );
    expect(saved.status).toBe(400);
    expect(saved.body.message).toMatch(TOO_DEEP);
    expect((await server.call("GET", `/api/v1/prompts/${enc(name)}`)).body.draft).toEqual({
      type: "text",
      text: "",
    });
    const created = await server.call(
      "POST",
      "/api/v1/prompts",
      `{"name":"deep/created","type":"text","draft":${contentNested(4000)}}`,
    );
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(TOO_DEEP);
  });

  it("refuses a draft within the body limit whose content would still nest past it", async () => {
    const name = "deep/edge";
    expect((await server.call("POST", "/api/v1/prompts", { name, type: "text" })).status).toBe(201);
    const atLimit = await server.call(
      "PUT",
      `/api/v1/prompts/${enc(name)}/draft`,
      contentNested(MAX_JSON_DEPTH - 3),
    );
    expect(atLimit.status).toBe(200);
    const past = await server.call(
      "PUT",
      `/api/v1/prompts/${enc(name)}/draft`,
      contentNested(MAX_JSON_DEPTH - 2),
    );
    expect(past.status).toBe(400);
    expect(past.body.message).toMatch(TOO_DEEP);
  });

  it("refuses a gateway body nested 100,000 deep whatever content type it claims", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.adminKey}`, "content-type": type },
        body: `{"model":"x","messages":[{"role":"user","content":"hi"}],"metadata":${nestedArrayJson(100_000)}}`,
      });
      expect(response.status).toBe(400);
      expect((await response.json()).message).toMatch(TOO_DEEP);
    }
  });

  it("takes a draft nested about 20 deep, and publishes and diffs it", async () => {
    const name = "nested/draft";
    expect((await server.call("POST", "/api/v1/prompts", { name, type: "text" })).status).toBe(201);
    const path = `/api/v1/prompts/${enc(name)}`;
    expect((await server.call("PUT", `${path}/draft`, contentNested(17))).status).toBe(200);
    expect((await server.call("POST", `${path}/versions`, { commitMessage: "v1" })).status).toBe(
      201,
    );
    expect((await server.call("PUT", `${path}/draft`, contentNested(17, "Hi"))).status).toBe(200);
    const diff = await server.call("GET", `${path}/diff?from=1&to=draft`);
    expect(diff.status).toBe(200);
    expect(diff.body.changes.map((c: { path: string }) => c.path)).toEqual(["text"]);
    expect((await server.call("POST", `${path}/versions`, { commitMessage: "v2" })).status).toBe(
      201,
    );
  });

  it.each([
    ["JSON", () => otlpJsonWithNestedAttribute(50_000), "application/json", undefined],
    [
      "gzipped JSON",
      () => gzipSync(otlpJsonWithNestedAttribute(50_000)),
      "application/json",
      "gzip",
    ],
    [
      "protobuf",
      () => otlpProtobufWithNestedAttribute(50_000),
      "application/x-protobuf",
      undefined,
    ],
  ] as const)(
    "refuses OTLP %s attributes nested 50,000 deep with a 400",
    async (_, body, type, encoding) => {
      const response = await sendOtlp(body(), type, encoding);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(
        /nest(ed|s protobuf messages) more than 64 levels deep/,
      );
    },
  );

  it.each([
    ["JSON", otlpJsonWithNestedAttribute(3, "00000000000000a1"), "application/json", "a1"],
    [
      "protobuf",
      otlpProtobufWithNestedAttribute(3, "00000000000000b2"),
      "application/x-protobuf",
      "b2",
    ],
  ] as const)(
    "takes OTLP %s attributes nested a few levels deep and stores them",
    async (_, body, type, span) => {
      const response = await sendOtlp(body, type);
      expect(response.status).toBe(200);
      const stored = await server.call(
        "GET",
        `/api/v1/traces/${NESTED_TRACE_ID}-00000000000000${span}`,
      );
      expect(stored.status).toBe(200);
      expect(stored.body.metadata["app.nested"]).toEqual([[[1]]]);
    },
  );
});
