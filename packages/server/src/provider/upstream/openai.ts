import type { SseEvent } from "@promptline/client";
import { endpointUrl, type UpstreamRequest } from "./http.js";
import { JsonEventTranslator } from "./sse.js";
import type { CallOutcome, ChatCompletionBody, ProviderTarget, TokenUsage } from "./types.js";

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/** The parts of OpenAI's Chat Completions wire format the gateway reads or writes. */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface AssistantMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: ToolCall[];
  refusal?: string | null;
}

export interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  system_fingerprint?: string;
  choices: { index: number; message: AssistantMessage; finish_reason: string | null }[];
  usage?: OpenAIUsage;
}

export interface ChunkDelta {
  role?: "assistant";
  content?: string | null;
  refusal?: string | null;
  tool_calls?: {
    index: number;
    id?: string;
    type?: "function";
    function?: { name?: string; arguments?: string };
  }[];
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint?: string;
  choices: { index: number; delta: ChunkDelta; finish_reason: string | null }[];
  usage?: OpenAIUsage | null;
}

export const DONE_EVENT = "data: [DONE]\n\n";

export function chunkEvent(chunk: ChatCompletionChunk): string {
  return dataEvent(JSON.stringify(chunk));
}

/** An SSE event carrying `data`, each of its lines in a `data:` field of its own. */
export function dataEvent(data: string): string {
  return `${data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

/** Whether the caller asked for the usage-only chunk at the end of a stream. */
export function wantsStreamUsage(body: ChatCompletionBody): boolean {
  const options = body.stream_options as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true;
}

/** The text of a message's content: a string, or an array of text parts. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part): part is { text: string } => typeof part?.text === "string")
    .map((part) => part.text)
    .join("\n");
}

export function openaiRequest(target: ProviderTarget, body: ChatCompletionBody): UpstreamRequest {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey) {
    if (target.apiKeyHeader) headers[target.apiKeyHeader] = target.apiKey;
    else headers.authorization = `Bearer ${target.apiKey}`;
  }
  // Usage is always requested so it can be recorded; the stream translator hides it again.
  const sent =
    body.stream === true && !wantsStreamUsage(body)
      ? {
          ...body,
          stream_options: { ...(body.stream_options as object | null), include_usage: true },
        }
      : body;
  return {
    url: endpointUrl(target.baseUrl ?? DEFAULT_OPENAI_BASE_URL, "/chat/completions"),
    headers,
    body: JSON.stringify(sent),
  };
}

export function usageOf(usage: OpenAIUsage | null | undefined): TokenUsage {
  if (!usage) return {};
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  };
}

export type OutcomeFields = Omit<CallOutcome, "status" | "error" | "latencyMs">;

export function outcomeOfCompletion(completion: ChatCompletion): OutcomeFields {
  const choices = Array.isArray(completion.choices) ? completion.choices : [];
  return {
    model: completion.model,
    output: choices.map((choice) => choice.message),
    usage: usageOf(completion.usage),
    finishReason: choices[0]?.finish_reason ?? undefined,
  };
}

/** The outcome of a stream, settled once by whoever sees it end first. */
export function outcomeSettler(
  accumulator: ChunkAccumulator,
  startedAt: number,
  now: () => number,
  onSettled: () => void = () => {},
): { outcome: Promise<CallOutcome>; settle(error: string | undefined): void } {
  let resolve: (outcome: CallOutcome) => void = () => {};
  const outcome = new Promise<CallOutcome>((settle) => {
    resolve = settle;
  });
  let settled = false;
  return {
    outcome,
    settle(error) {
      if (settled) return;
      settled = true;
      onSettled();
      const fields = accumulator.outcome(startedAt);
      const latencyMs = now() - startedAt;
      resolve(
        error
          ? { ...fields, status: "error", error, latencyMs }
          : { ...fields, status: "ok", latencyMs },
      );
    },
  };
}

interface ChoiceSoFar {
  content: string;
  refusal: string;
  toolCalls: ToolCall[];
}

/** Learns the outcome of a streamed answer from its chunks, in OpenAI shape. */
export class ChunkAccumulator {
  private model: string | undefined;
  private readonly choices = new Map<number, ChoiceSoFar>();
  private finishReason: string | undefined;
  private usage: TokenUsage = {};
  private firstContentAt: number | undefined;

  constructor(private readonly now: () => number) {}

  add(chunk: ChatCompletionChunk): void {
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = usageOf(chunk.usage);
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const index = choice.index ?? 0;
      this.addDelta(this.choiceAt(index), choice.delta ?? {});
      if (choice.finish_reason && index === 0) this.finishReason = choice.finish_reason;
    }
  }

  outcome(startedAt: number): OutcomeFields {
    const output = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, choice]): AssistantMessage => {
        // filter() also closes holes left by tool call indexes that never arrived.
        const toolCalls = choice.toolCalls.filter((call) => call !== undefined);
        const message: AssistantMessage = {
          role: "assistant",
          content: choice.content || (toolCalls.length > 0 ? null : ""),
        };
        if (toolCalls.length > 0) message.tool_calls = toolCalls;
        if (choice.refusal) message.refusal = choice.refusal;
        return message;
      });
    return {
      model: this.model,
      output,
      usage: this.usage,
      finishReason: this.finishReason,
      timeToFirstTokenMs:
        this.firstContentAt === undefined ? undefined : this.firstContentAt - startedAt,
    };
  }

  private choiceAt(index: number): ChoiceSoFar {
    let choice = this.choices.get(index);
    if (!choice) {
      choice = { content: "", refusal: "", toolCalls: [] };
      this.choices.set(index, choice);
    }
    return choice;
  }

  private addDelta(choice: ChoiceSoFar, delta: ChunkDelta): void {
    const hasContent = Boolean(delta.content || delta.refusal || delta.tool_calls?.length);
    if (hasContent && this.firstContentAt === undefined) this.firstContentAt = this.now();
    if (delta.content) choice.content += delta.content;
    if (delta.refusal) choice.refusal += delta.refusal;
    for (const part of delta.tool_calls ?? []) {
      const call = choice.toolCalls[part.index] ?? newToolCall();
      choice.toolCalls[part.index] = call;
      if (part.id) call.id = part.id;
      // The name comes once, in the call's first delta; some compatible servers repeat it.
      if (part.function?.name && !call.function.name) call.function.name = part.function.name;
      if (part.function?.arguments) call.function.arguments += part.function.arguments;
    }
  }
}

function newToolCall(): ToolCall {
  return { id: "", type: "function", function: { name: "", arguments: "" } };
}

/**
 * Forwards an OpenAI stream event by event, without re-serialising, except where usage was asked
 * for on the client's behalf: then the usage-only chunk is dropped and the `usage: null` every
 * other chunk carries is removed, so the client sees the shape it asked for.
 */
export class OpenAIStreamTranslator extends JsonEventTranslator {
  constructor(
    private readonly accumulator: ChunkAccumulator,
    private readonly hideUsage: boolean,
    target: ProviderTarget,
  ) {
    super(target);
  }

  override translate(event: SseEvent): string {
    if (event.data !== "[DONE]") return super.translate(event);
    this.done = true;
    return DONE_EVENT;
  }

  protected translateData(data: unknown, event: SseEvent): string {
    const chunk = data as ChatCompletionChunk & { error?: unknown };
    if (chunk.error) return this.failWith(chunk.error);
    this.accumulator.add(chunk);
    // Forwarded as it came, one `data:` line per line of it (JSON may span lines).
    if (!this.hideUsage || !("usage" in chunk)) return dataEvent(event.data);
    if (chunk.usage && Array.isArray(chunk.choices) && chunk.choices.length === 0) return "";
    delete chunk.usage;
    return chunkEvent(chunk);
  }
}
