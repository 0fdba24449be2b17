import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "../../test-support/fake-anthropic.js";
import { type FakeUpstream, readChunks } from "../../test-support/fake-openai.js";
import { AnthropicStreamTranslator } from "./anthropic.js";
import { callProvider } from "./call.js";
import { ChunkAccumulator } from "./openai.js";
import { ProviderError, type ProviderTarget } from "./types.js";

const KEY = "sk-ant-test-0123456789";
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeAnthropic({ requireKey: KEY });
});
afterAll(() => upstream.close());

function anthropic(overrides: Partial<ProviderTarget> = {}): ProviderTarget {
  return {
    name: "claude",
    kind: "anthropic",
    baseUrl: upstream.url,
    apiKey: KEY,
    apiKeyHeader: null,
    timeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  };
}

const fixedClock = { now: () => Date.UTC(2026, 10, 27, 12) };
const created = Date.UTC(2026, 10, 27, 12) / 1000;

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { query: { type: "string" } } },
  },
};

describe("the Anthropic kind", () => {
  it("translates a plain request to the Messages API and the answer back to a completion", async () => {
    const response = await callProvider(
      anthropic(),
      {
        model: "claude-sonnet-4-5",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Answer in English." }] },
          { role: "user", content: "hello" },
          { role: "assistant", content: "hi!" },
          { role: "user", content: [{ type: "text", text: "how are you?" }] },
        ],
        temperature: 0.2,
        top_p: 0.9,
        stop: "END",
      },
      fixedClock,
    );

    const sent = upstream.requests.at(-1);
    expect(sent?.path).toBe("/v1/messages");
    expect(sent?.headers["x-api-key"]).toBe(KEY);
    expect(sent?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent?.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      system: "Be brief.\n\nAnswer in English.",
      messages: [
        { role: "user", content: "hello" },
        { role: "assistant", content: "hi!" },
        { role: "user", content: "how are you?" },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ["END"],
    });

    if (response.stream) throw new Error("expected a complete answer");
    expect(JSON.parse(response.body)).toEqual({
      id: expect.stringMatching(/^msg_fake_\d+$/),
      object: "chat.completion",
      created,
      model: "claude-sonnet-4-5",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "echo: how are you?" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 13, completion_tokens: 5, total_tokens: 18 },
    });
    expect(response.outcome).toMatchObject({
      status: "ok",
      model: "claude-sonnet-4-5",
      output: [{ role: "assistant", content: "echo: how are you?" }],
      usage: { inputTokens: 13, outputTokens: 5, totalTokens: 18 },
      finishReason: "stop",
    });
  });

  it("maps a cut answer to finish_reason length, taking max_completion_tokens", async () => {
    const response = await callProvider(anthropic(), {
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: "a long question that cannot fit" }],
      max_completion_tokens: 2,
    });

    expect(upstream.requests.at(-1)?.body.max_tokens).toBe(2);
    if (response.stream) throw new Error("expected a complete answer");
    expect(response.outcome.finishReason).toBe("length");
    expect(response.outcome.output).toEqual([{ role: "assistant", content: "echo: a " }]);
  });

  it("streams Anthropic events as OpenAI chunks ending in [DONE]", async () => {
    const response = await callProvider(
      anthropic(),
      {
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: "stream this" }],
        stream: true,
      },
      fixedClock,
    );

    expect(upstream.requests.at(-1)?.body.stream).toBe(true);
    if (!response.stream) throw new Error("expected a stream");
    const { data } = await readChunks(response.chunks);
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text));
    expect(chunks[0]).toEqual({
      id: chunks[0].id,
      object: "chat.completion.chunk",
      created,
      model: "claude-sonnet-4-5",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    });
    expect(
      chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason]),
    ).toEqual([
      [{ role: "assistant", content: "" }, null],
      [{ content: "echo: " }, null],
      [{ content: "stream " }, null],
      [{ content: "this" }, null],
      [{}, "stop"],
    ]);

    expect(await response.outcome).toMatchObject({
      status: "ok",
      model: "claude-sonnet-4-5",
      output: [{ role: "assistant", content: "echo: stream this" }],
      usage: { inputTokens: 3, outputTokens: 5, totalTokens: 8 },
      finishReason: "stop",
    });
  });

  it("shows the usage chunk to a client that asked for it", async () => {
    const response = await callProvider(anthropic(), {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "stream this" }],
      stream: true,
      stream_options: { include_usage: true },
    });

    if (!response.stream) throw new Error("expected a stream");
    const { data } = await readChunks(response.chunks);
    const usageChunk = JSON.parse(data.at(-2) ?? "");
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
  });

  it("translates tool calls out and tool results back, in both directions", async () => {
    const first = await callProvider(anthropic(), {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "Paris" }],
      tools: [weatherTool],
      tool_choice: "required",
      parallel_tool_calls: false,
    });

    expect(upstream.requests.at(-1)?.body).toMatchObject({
      tools: [
        {
          name: "get_weather",
          description: "The weather in a city",
          input_schema: weatherTool.function.parameters,
        },
      ],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
    });
    if (first.stream) throw new Error("expected a complete answer");
    const answer = JSON.parse(first.body).choices[0];
    expect(answer.finish_reason).toBe("tool_calls");
    expect(answer.message).toEqual({
      role: "assistant",
      content: "Let me call get_weather.",
      tool_calls: [
        {
          id: expect.stringMatching(/^toolu_fake_\d+$/),
          type: "function",
          function: { name: "get_weather", arguments: '{"query":"Paris"}' },
        },
      ],
    });

    const toolCallId = answer.message.tool_calls[0].id;
    const second = await callProvider(anthropic(), {
      model: "claude-sonnet-4-5",
      messages: [
        { role: "user", content: "Paris" },
        answer.message,
        { role: "tool", tool_call_id: toolCallId, content: "sunny, 21°C" },
      ],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });

    expect(upstream.requests.at(-1)?.body).toMatchObject({
      messages: [
        { role: "user", content: "Paris" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me call get_weather." },
            { type: "tool_use", id: toolCallId, name: "get_weather", input: { query: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: toolCallId, content: "sunny, 21°C" }],
        },
      ],
      tool_choice: { type: "tool", name: "get_weather" },
    });
    if (second.stream) throw new Error("expected a complete answer");
    expect(second.outcome.output).toEqual([{ role: "assistant", content: "echo: sunny, 21°C" }]);
  });

  it("streams a tool call as tool_calls deltas and records it whole", async () => {
    const response = await callProvider(anthropic(), {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "Rome" }],
      tools: [weatherTool],
      stream: true,
    });

    if (!response.stream) throw new Error("expected a stream");
    const { data } = await readChunks(response.chunks);
    const toolDeltas = data
      .slice(0, -1)
      .map((text) => JSON.parse(text).choices[0]?.delta.tool_calls)
      .filter(Boolean);
    expect(toolDeltas).toEqual([
      [
        {
          index: 0,
          id: expect.stringMatching(/^toolu_fake_\d+$/),
          type: "function",
          function: { name: "get_weather", arguments: "" },
        },
      ],
      [{ index: 0, function: { arguments: '{"query"' } }],
      [{ index: 0, function: { arguments: ':"Rome"}' } }],
    ]);
    expect(await response.outcome).toMatchObject({
      status: "ok",
      finishReason: "tool_calls",
      output: [
        {
          role: "assistant",
          content: "Let me call get_weather.",
          tool_calls: [
            { type: "function", function: { name: "get_weather", arguments: '{"query":"Rome"}' } },
          ],
        },
      ],
    });
  });

  it("rejects a missing key in its own words and Anthropic's error type", async () => {
    const failure = await callProvider(anthropic({ apiKey: null }), {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "hi" }],
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({
      status: 401,
      message:
        "provider 'claude' answered 401: the provider refused the connection's key (type: authentication_error)",
    });
  });

  it("ends the stream with an error event when Anthropic reports one mid-stream", () => {
    const accumulator = new ChunkAccumulator(() => 0);
    const translator = new AnthropicStreamTranslator(accumulator, created, false, anthropic());
    const event = (data: object) => ({ event: undefined, data: JSON.stringify(data) });

    translator.translate(
      event({
        type: "message_start",
        message: { id: "msg_1", model: "claude", usage: { input_tokens: 4 } },
      }),
    );
    const text = translator.translate(
      event({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    );

    const failure = "provider 'claude' reported an error in its stream (type: overloaded_error)";
    expect(text).toBe(
      `data: ${JSON.stringify({ error: { message: failure, type: "provider_error" } })}\n\n`,
    );
    expect(translator.done).toBe(true);
    expect(translator.failure).toBe(failure);
  });
});
