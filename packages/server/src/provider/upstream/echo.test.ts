import { describe, expect, it } from "vitest";
import { readChunks } from "../../test-support/fake-openai.js";
import { callProvider } from "./call.js";
import type { ProviderTarget } from "./types.js";

const echo: ProviderTarget = {
  name: "dry-run",
  kind: "echo",
  baseUrl: null,
  apiKey: null,
  apiKeyHeader: null,
  timeoutMs: 1_000,
  maxRetries: 0,
};

const messages = [
  { role: "system", content: "You are terse." },
  { role: "user", content: [{ type: "text", text: "Say hi to Ada." }] },
];
const rendered = "system: You are terse.\n\nuser: Say hi to Ada.";
const clock = { now: () => Date.UTC(2026, 10, 27), random: () => 0.5 };

describe("the echo kind", () => {
  it("answers with the rendered prompt, labelled as echo", async () => {
    const response = await callProvider(echo, { model: "gpt-4o", messages }, clock);

    if (response.stream) throw new Error("expected a complete answer");
    expect(JSON.parse(response.body)).toEqual({
      // random() 0.5 → 2^47 in base 36
      id: `chatcmpl-echo-${(2 ** 47).toString(36)}`,
      object: "chat.completion",
      created: Date.UTC(2026, 10, 27) / 1000,
      model: "echo",
      system_fingerprint: "promptline-echo",
      choices: [
        { index: 0, message: { role: "assistant", content: rendered }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 11, completion_tokens: 11, total_tokens: 22 },
    });
    expect(response.outcome).toMatchObject({
      status: "ok",
      model: "echo",
      output: [{ role: "assistant", content: rendered }],
      usage: { inputTokens: 11, outputTokens: 11, totalTokens: 22 },
      finishReason: "stop",
    });
  });

  it("streams the rendered prompt in a few chunks ending with [DONE]", async () => {
    const response = await callProvider(echo, { model: "gpt-4o", messages, stream: true }, clock);

    if (!response.stream) throw new Error("expected a stream");
    const { items, data } = await readChunks(response.chunks);
    expect(items.at(-1)).toBe("data: [DONE]\n\n");
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text));
    const contents = chunks.map((chunk) => chunk.choices[0]?.delta.content).filter(Boolean);
    expect(contents.length).toBeGreaterThan(1);
    expect(contents.join("")).toBe(rendered);
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
    expect(chunks.every((chunk) => chunk.system_fingerprint === "promptline-echo")).toBe(true);
    expect(await response.outcome).toMatchObject({
      status: "ok",
      output: [{ role: "assistant", content: rendered }],
      usage: { inputTokens: 11, outputTokens: 11, totalTokens: 22 },
    });
  });
});
