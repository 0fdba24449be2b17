import { sseEvents } from "@promptline/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, readChunks, startFakeOpenAI } from "../../test-support/fake-openai.js";
import { callProvider } from "./call.js";
import { ChunkAccumulator, OpenAIStreamTranslator } from "./openai.js";
import { ProviderError, type ProviderTarget } from "./types.js";

const KEY = "sk-test-openai-0123456789";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ requireKey: KEY });
});
afterAll(() => upstream.close());

function openai(overrides: Partial<ProviderTarget> = {}): ProviderTarget {
  return {
    name: "main-openai",
    kind: "openai",
    baseUrl: upstream.url,
    apiKey: KEY,
    apiKeyHeader: null,
    timeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  };
}

const messages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "hello there" },
];

describe("the OpenAI kind", () => {
  it("passes a complete answer through byte for byte and records its outcome", async () => {
    const sentBefore = upstream.requests.length;
    const response = await callProvider(openai(), { model: "gpt-4o-mini", messages, seed: 7 });

    if (response.stream) throw new Error("expected a complete answer");
    const expected = {
      id: `chatcmpl-fake-${sentBefore + 1}`,
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "echo: hello there", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    };
    // The fake pretty-prints like the real API: re-serialised JSON would be compact.
    expect(response.body).toBe(JSON.stringify(expected, null, 2));
    expect(response.status).toBe(200);
    expect(response.outcome).toMatchObject({
      status: "ok",
      model: "gpt-4o-mini",
      output: [{ role: "assistant", content: "echo: hello there", refusal: null }],
      usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
      finishReason: "stop",
    });
    expect(response.outcome.timeToFirstTokenMs).toBeUndefined();

    const sent = upstream.requests.at(-1);
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body).toEqual({ model: "gpt-4o-mini", messages, seed: 7 });
  });

  it("streams chunks in order, hiding the usage it asked for on the client's behalf", async () => {
    const response = await callProvider(openai(), { model: "gpt-4o", messages, stream: true });

    if (!response.stream) throw new Error("expected a stream");
    const { data } = await readChunks(response.chunks);
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "echo: " },
      { content: "hello " },
      { content: "there" },
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
    expect(chunks.filter((chunk) => "usage" in chunk)).toEqual([]);
    expect(upstream.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });

    const outcome = await response.outcome;
    expect(outcome).toMatchObject({
      status: "ok",
      model: "gpt-4o",
      output: [{ role: "assistant", content: "echo: hello there" }],
      usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
      finishReason: "stop",
    });
    expect(outcome.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it("passes the usage chunk through when the client asked for it", async () => {
    const response = await callProvider(openai(), {
      model: "gpt-4o",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });

    if (!response.stream) throw new Error("expected a stream");
    const { data } = await readChunks(response.chunks);
    const usageChunk = JSON.parse(data.at(-2) ?? "");
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
    expect(JSON.parse(data[0] ?? "")).toHaveProperty("usage", null);
    expect((await response.outcome).usage.totalTokens).toBe(10);
  });

  it("reaches an Azure-style deployment: path before the query, key in the api-key header", async () => {
    const target = openai({
      baseUrl: `${upstream.url.replace(/\/v1$/, "")}/openai/deployments/gpt4o/?api-version=2024-10-21`,
      apiKeyHeader: "api-key",
    });
    const response = await callProvider(target, { model: "gpt-4o", messages });

    expect(response.status).toBe(200);
    const sent = upstream.requests.at(-1);
    expect(sent?.path).toBe("/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21");
    expect(sent?.headers["api-key"]).toBe(KEY);
    expect(sent?.headers.authorization).toBeUndefined();
  });

  it("rejects a wrong key at once in its own words and the error's identifiers, never the key", async () => {
    const sentBefore = upstream.requests.length;
    const failure = await callProvider(openai({ apiKey: "sk-wrong-key", maxRetries: 3 }), {
      model: "gpt-4o",
      messages,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ProviderError);
    // The fake quotes the refused key, as the real API does; it must not travel further.
    expect(failure).toMatchObject({
      kind: "http",
      status: 401,
      upstream: { type: "invalid_request_error" },
      message:
        "provider 'main-openai' answered 401: the provider refused the connection's key (type: invalid_request_error)",
    });
    expect(String((failure as Error).message)).not.toContain("sk-wrong-key");
    expect(upstream.requests.length - sentBefore).toBe(1);
  });

  it("forwards a chunk whose JSON spans lines as one event a client reads back whole", async () => {
    const translator = new OpenAIStreamTranslator(new ChunkAccumulator(Date.now), false, openai());
    const data =
      '{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],\n"model":"m"}';
    const forwarded = translator.translate({ data, event: undefined, id: undefined });

    expect(forwarded).toBe(
      `data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],\ndata: "model":"m"}\n\n`,
    );
    const events = [];
    for await (const event of sseEvents(new Response(forwarded).body as ReadableStream<Uint8Array>))
      events.push(event.data);
    expect(events).toEqual([data]);
  });
});
