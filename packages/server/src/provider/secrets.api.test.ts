import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeOpenAI } from "../test-support/fake-openai.js";
import { startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

const KEY = "sk-proj-Xy7Qa9Lm2Nb4Vc6Zd8Rt1Pw3Ks5Hj0GfTe";
const QUERY_SECRET = "qs-7Hd92Kx0Lp4Mz8";

/** Whether any eight letters or digits of `secret`, in any case, survive in `text`. */
function leaks(text: string, secret: string): boolean {
  const letters = (value: string) => value.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
  const hidden = letters(secret);
  const shown = letters(text);
  for (let i = 0; i + 8 <= hidden.length; i++) {
    if (shown.includes(hidden.slice(i, i + 8))) return true;
  }
  return false;
}

const base64 = (text: string) => Buffer.from(text).toString("base64");

describe.each(testEngines())("provider secrets (%s)", (kind) => {
  let server: TestServer;
  let upstream: FakeUpstream;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    upstream = await startFakeOpenAI();
    viewer = (
      await server.call<{ key: string }>("POST", "/api/v1/api-keys", {
        name: "app",
        role: "viewer",
      })
    ).body.key;
  });
  afterAll(async () => {
    await upstream.close();
    await server.stop();
  });

  it("refuses a base URL with a user and password whatever the case of its scheme", async () => {
    for (const baseUrl of [
      "HTTP://user:pass@llm.example/v1",
      "Https://token@llm.example/v1",
      "https://:pass@llm.example/v1",
    ]) {
      const refused = await server.call<{ message: string }>("POST", "/api/v1/providers", {
        name: "creds",
        kind: "openai",
        baseUrl,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain("baseUrl must not carry credentials");
    }
    await server.call("POST", "/api/v1/providers", { name: "plain", kind: "openai" });
    const patched = await server.call<{ message: string }>("PATCH", "/api/v1/providers/plain", {
      baseUrl: "HTTP://user:pass@llm.example/v1",
    });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toContain("credentials");
  });

  it("shows a base URL's query values to admins only, and never in the audit log", async () => {
    const baseUrl = `https://llm.example/v1?api-version=2024-06-01&api_key=${QUERY_SECRET}`;
    const masked = "https://llm.example/v1?api-version=2024-06-01&api_key=***";
    const created = await server.call("POST", "/api/v1/providers", {
      name: "query-key",
      kind: "openai",
      baseUrl,
    });
    expect(created.body.baseUrl).toBe(baseUrl);
    await server.call("PATCH", "/api/v1/providers/query-key", { defaultModel: "gpt-4o" });

    const one = await server.call("GET", "/api/v1/providers/query-key", undefined, viewer);
    const all = await server.call<{ items: Array<{ name: string; baseUrl: string }> }>(
      "GET",
      "/api/v1/providers",
      undefined,
      viewer,
    );
    expect(one.body.baseUrl).toBe(masked);
    expect(all.body.items.find((item) => item.name === "query-key")?.baseUrl).toBe(masked);
    expect((await server.call("GET", "/api/v1/providers/query-key")).body.baseUrl).toBe(baseUrl);

    const events = await server.services.engine.db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("subject", "=", "query-key")
      .orderBy("id")
      .execute();
    expect(events.map((event) => event.type)).toEqual(["provider.created", "provider.updated"]);
    for (const event of events) {
      expect(JSON.stringify(event.payload)).not.toContain(QUERY_SECRET);
      expect(JSON.parse(event.payload).baseUrl).toBe(masked);
    }
  });

  const upper = KEY.toUpperCase();
  const spaced = KEY.match(/.{1,5}/g)?.join(" ") as string;
  const dashed = KEY.match(/.{1,4}/g)?.join("-") as string;
  const encoded = base64(`Bearer ${KEY}`);
  it.each([
    ["in upper case", upper, { error: { message: `Incorrect API key provided: ${upper}` } }],
    ["split by spaces", spaced, { error: { message: `key ${spaced} refused` } }],
    ["split by dashes", dashed, `401 Unauthorized: ${dashed}`],
    ["in base64", encoded, { error: { message: `bad credentials ${encoded}` } }],
    ["inside the JSON", KEY.toLowerCase(), { error: { type: "auth", header: KEY.toLowerCase() } }],
    [
      "with the URL's secret",
      QUERY_SECRET,
      { error: { message: `?api_key=${QUERY_SECRET} refused` } },
    ],
  ])("never shows the key a provider echoes back %s", async (_form, echoed, body) => {
    const name = `leaky-${Math.random().toString(36).slice(2, 8)}`;
    await server.call("POST", "/api/v1/providers", {
      name,
      kind: "openai",
      baseUrl: `${upstream.url}?api-version=2024-06-01&api_key=${QUERY_SECRET}`,
      apiKey: KEY,
      maxRetries: 0,
    });
    upstream.failNext(1, 401, { body });

    const refused = await server.call(
      "POST",
      "/v1/chat/completions",
      {
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
        promptline: { provider: name },
      },
      viewer,
    );

    expect(refused.status).toBe(502);
    expect(JSON.stringify(refused.body)).toContain(`provider '${name}' answered 401`);
    await server.services.traceWriter.flush();
    const traceId = refused.headers.get("x-promptline-trace-id") as string;
    const trace = await server.call("GET", `/api/v1/traces/${traceId}`, undefined, viewer);
    expect(trace.body.error).toContain("answered 401");
    for (const shown of [JSON.stringify(refused.body), trace.body.error as string]) {
      expect(shown).not.toContain(echoed);
      expect(leaks(shown, KEY)).toBe(false);
      expect(leaks(shown, QUERY_SECRET)).toBe(false);
    }
    const events = await server.services.engine.db.selectFrom("events").select("payload").execute();
    expect(leaks(JSON.stringify(events), KEY)).toBe(false);
    expect(leaks(JSON.stringify(events), QUERY_SECRET)).toBe(false);
  });
});
