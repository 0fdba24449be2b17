/**
 * The echo provider answers with the rendered prompt, without any network: dry runs and offline
 * demos show exactly what a real provider would have been sent.
 */
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  ChunkAccumulator,
  type ChunkDelta,
  chunkEvent,
  DONE_EVENT,
  outcomeOfCompletion,
  outcomeSettler,
  textOf,
  wantsStreamUsage,
} from "./openai.js";
import { ABANDONED, abandonable } from "./sse.js";
import type { ChatCompletionBody, ProviderResponse } from "./types.js";

export const ECHO_MODEL = "echo";
export const ECHO_FINGERPRINT = "promptline-echo";
const STREAM_PIECES = 4;

export interface EchoContext {
  startedAt: number;
  now: () => number;
  random: () => number;
}

/** The request's messages as text: "system: …\n\nuser: …". */
export function renderPrompt(messages: unknown[]): string {
  return messages
    .map((message) => {
      const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
      return `${String(role)}: ${textOf(content)}`;
    })
    .join("\n\n");
}

export function answerAsEcho(body: ChatCompletionBody, context: EchoContext): ProviderResponse {
  const text = renderPrompt(body.messages);
  const tokens = Math.ceil(text.length / 4);
  const usage = { prompt_tokens: tokens, completion_tokens: tokens, total_tokens: 2 * tokens };
  const envelope = {
    id: `chatcmpl-echo-${Math.floor(context.random() * 2 ** 48).toString(36)}`,
    created: Math.floor(context.now() / 1000),
    model: ECHO_MODEL,
    system_fingerprint: ECHO_FINGERPRINT,
  };
  if (body.stream === true) {
    const chunk = (delta: ChunkDelta, finishReason: string | null = null): ChatCompletionChunk => ({
      ...envelope,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
    const chunks = [
      chunk({ role: "assistant", content: "" }),
      ...splitText(text, STREAM_PIECES).map((piece) => chunk({ content: piece })),
      chunk({}, "stop"),
    ];
    const usageChunk: ChatCompletionChunk = {
      ...envelope,
      object: "chat.completion.chunk",
      choices: [],
      usage,
    };
    return streamChunks(chunks, usageChunk, wantsStreamUsage(body), context);
  }
  const completion: ChatCompletion = {
    ...envelope,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage,
  };
  return {
    stream: false,
    status: 200,
    body: JSON.stringify(completion),
    outcome: {
      status: "ok",
      ...outcomeOfCompletion(completion),
      latencyMs: context.now() - context.startedAt,
    },
  };
}

function splitText(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size)
    parts.push(text.slice(start, start + size));
  return parts;
}

function streamChunks(
  chunks: ChatCompletionChunk[],
  usageChunk: ChatCompletionChunk,
  showUsage: boolean,
  context: EchoContext,
): ProviderResponse {
  const accumulator = new ChunkAccumulator(context.now);
  const { outcome, settle } = outcomeSettler(accumulator, context.startedAt, context.now);
  async function* emit(): AsyncGenerator<string> {
    try {
      for (const chunk of chunks) {
        accumulator.add(chunk);
        yield chunkEvent(chunk);
      }
      // The outcome counts usage even when the client did not ask to see it.
      accumulator.add(usageChunk);
      yield showUsage ? chunkEvent(usageChunk) + DONE_EVENT : DONE_EVENT;
    } finally {
      settle(undefined);
    }
  }
  return {
    stream: true,
    status: 200,
    chunks: abandonable(emit(), () => settle(ABANDONED)),
    outcome,
  };
}
