import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeOpenAI } from "../test-support/fake-openai.js";
import {
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

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

const codes = (text: string) => [...text].map((c) => c.codePointAt(0) as number);
/** The key as a hostile or broken upstream might echo it: forms no scrubber can list in full. */
const ENCODINGS: Record<string, (text: string) => string> = {
  "as decimal HTML entities": (text) =>
    codes(text)
      .map((c) => `&#${c};`)
      .join(""),
  "as hex HTML entities": (text) =>
    codes(text)
      .map((c) => `&#x${c.toString(16)};`)
      .join(""),
  "as \\u escapes": (text) =>
    codes(text)
      .map((c) => `\\u${c.toString(16).padStart(4, "0")}`)
      .join(""),
  "as octal escapes": (text) =>
    codes(text)
      .map((c) => `\\${c.toString(8).padStart(3, "0")}`)
      .join(""),
  "as decimal percent codes": (text) =>
    codes(text)
      .map((c) => `%${c}`)
      .join(""),
  "as comma-separated char codes": (text) => codes(text).join(","),
  "in fullwidth letters": (text) => String.fromCodePoint(...codes(text).map((c) => c + 0xfee0)),
  "reversed with a space every 5 characters": (text) =>
    (
      [...text]
        .reverse()
        .join("")
        .match(/.{1,5}/g) ?? []
    ).join(" "),
  "in binary": (text) =>
    codes(text)
      .map((c) => c.toString(2).padStart(8, "0"))
      .join(" "),
};

/** `text` with each of ENCODINGS undone in turn: where an echoed key would be readable. */
function readings(text: string): string[] {
  const decode = (radix: number) => (_match: string, code: string) =>
    String.fromCodePoint(Number.parseInt(code, radix));
  const decodeRun = (separator: string, radix: number) => (run: string) =>
    run
      .split(separator)
      .map((code) => String.fromCodePoint(Number.parseInt(code, radix)))
      .join("");
  return [
    text,
    text.replace(/&#(\d+);/g, decode(10)).replace(/&#x([0-9a-f]+);/gi, decode(16)),
    text.replace(/\\u([0-9a-f]{4})/gi, decode(16)),
    text.replace(/\\([0-7]{3})/g, decode(8)),
    text.replace(/%(\d{2,3})/g, decode(10)),
    text.replace(/\d{2,3}(?:,\d{2,3})+/g, decodeRun(",", 10)),
    text.normalize("NFKC"),
    [...text].reverse().join("").replace(/\s/g, ""),
    text.replace(/[01]{8}(?: [01]{8})+/g, decodeRun(" ", 2)),
  ];
}

/** The six-character stretches of the key, in any case, that any reading of `text` holds. */
function fragmentsOfKeyIn(text: string): string[] {
  const key = KEY.toLowerCase();
  const read = readings(text).map((reading) => reading.toLowerCase());
  const found = new Set<string>();
  for (let i = 0; i + 6 <= key.length; i++) {
    const fragment = key.slice(i, i + 6);
    if (read.some((reading) => reading.includes(fragment))) found.add(fragment);
  }
  return [...found];
}

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
      expect(event.payload.baseUrl).toBe(masked);
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
    ["as its identifiers", dashed, { error: { type: KEY.toLowerCase(), code: dashed } }],
    [
      "with the URL's secret",
      QUERY_SECRET,
      { error: { message: `?api_key=${QUERY_SECRET} refused` } },
    ],
  ])("never shows the key a provider echoes back %s", async (_form, echoed, body) => {
    const name = await leakyConnection();
    upstream.failNext(1, 401, { body });

    const refused = await callAsViewer(name);

    expect(refused.status).toBe(502);
    expect(refused.body.message).toBe(
      `provider '${name}' answered 401: the provider refused the connection's key`,
    );
    const trace = await storedTrace(refused.headers);
    expect(trace.error).toBe(refused.body.message);
    for (const shown of [JSON.stringify(refused.body), JSON.stringify(trace)]) {
      expect(shown).not.toContain(echoed);
      expect(leaks(shown, KEY)).toBe(false);
      expect(leaks(shown, QUERY_SECRET)).toBe(false);
    }
    const events = await server.services.engine.db.selectFrom("events").select("payload").execute();
    expect(leaks(JSON.stringify(events), KEY)).toBe(false);
    expect(leaks(JSON.stringify(events), QUERY_SECRET)).toBe(false);
  });

  it("shows a provider's error identifiers, the status and a sentence of its own, nothing else", async () => {
    const name = await leakyConnection();
    upstream.failNext(1, 429, {
      body: {
        error: {
          message: "You exceeded your current quota",
          type: "insufficient_quota",
          code: "insufficient_quota",
        },
      },
    });

    const refused = await callAsViewer(name);

    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      message: `provider '${name}' answered 429: rate limited (type: insufficient_quota, code: insufficient_quota)`,
      details: {
        provider: name,
        upstreamStatus: 429,
        upstreamType: "insufficient_quota",
        upstreamCode: "insufficient_quota",
      },
    });
    expect(JSON.stringify(refused.body)).not.toContain("exceeded");
  });

  it.each(Object.entries(ENCODINGS))(
    "lets no six characters of the key through when a provider echoes it %s",
    async (_encoding, encode) => {
      const echoed = `Incorrect API key provided: ${encode(KEY)}`;
      const answers = [
        { stream: false, body: { error: { message: echoed, type: "invalid_request_error" } } },
        { stream: false, body: echoed },
        { stream: true, body: `data: ${JSON.stringify({ error: { message: echoed } })}\n\n` },
      ];
      for (const answer of answers) {
        const name = await leakyConnection();
        upstream.failNext(1, answer.stream ? 200 : 401, { body: answer.body });

        const answered = await callAsViewer(name, answer.stream);
        const traceId = answered.headers.get("x-promptline-trace-id") as string;
        await server.services.traceWriter.flush();
        const traces = await server.call(
          "GET",
          "/api/v1/traces?status=error&limit=500",
          undefined,
          viewer,
        );

        expect(JSON.stringify(traces.body)).toContain(traceId);
        for (const shown of [JSON.stringify(answered.body), JSON.stringify(traces.body)]) {
          expect(fragmentsOfKeyIn(shown)).toEqual([]);
        }
      }
    },
  );

  /** A connection to the fake upstream with the key, and a secret in its URL's query. */
  async function leakyConnection(): Promise<string> {
    const name = uniqueName("leaky");
    const created = await server.call("POST", "/api/v1/providers", {
      name,
      kind: "openai",
      baseUrl: `${upstream.url}?api-version=2024-06-01&api_key=${QUERY_SECRET}`,
      apiKey: KEY,
      maxRetries: 0,
    });
    expect(created.status).toBe(201);
    return name;
  }

  function callAsViewer(provider: string, stream = false) {
    return server.call(
      "POST",
      "/v1/chat/completions",
      {
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
        stream,
        promptline: { provider },
      },
      viewer,
    );
  }

  async function storedTrace(headers: Headers) {
    await server.services.traceWriter.flush();
    const id = headers.get("x-promptline-trace-id") as string;
    return (await server.call("GET", `/api/v1/traces/${id}`, undefined, viewer)).body;
  }
});
