/**
 * The Anthropic Messages API spoken in OpenAI's Chat Completions shape: requests are translated on
 * the way out, answers and stream events on the way back.
 */
import { endpointUrl, type UpstreamRequest } from "./http.js";
import {
  type AssistantMessage,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChunkAccumulator,
  type ChunkDelta,
  chunkEvent,
  DONE_EVENT,
  type OpenAIUsage,
  type OutcomeFields,
  outcomeOfCompletion,
  type ToolCall,
  textOf,
  wantsStreamUsage,
} from "./openai.js";
import { JsonEventTranslator } from "./sse.js";
import type { ChatCompletionBody, ProviderTarget } from "./types.js";

export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_VERSION = "2023-06-01";
const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | Block[];
}

interface OpenAIMessage {
  role?: string;
  content?: unknown;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

interface OpenAITool {
  type?: string;
  function?: { name: string; description?: string; parameters?: unknown };
}

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

interface AnthropicAnswer {
  id: string;
  model: string;
  content?: Block[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

export function anthropicRequest(
  target: ProviderTarget,
  body: ChatCompletionBody,
): UpstreamRequest {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": ANTHROPIC_VERSION,
  };
  if (target.apiKey) headers["x-api-key"] = target.apiKey;
  return {
    url: endpointUrl(target.baseUrl ?? DEFAULT_ANTHROPIC_BASE_URL, "/v1/messages"),
    headers,
    body: JSON.stringify(toMessagesRequest(body)),
  };
}

export function toMessagesRequest(body: ChatCompletionBody): Record<string, unknown> {
  const { system, messages } = translateMessages(body.messages as OpenAIMessage[]);
  const request: Record<string, unknown> = {
    model: body.model,
    max_tokens: body.max_tokens ?? body.max_completion_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system) request.system = system;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.top_p = body.top_p;
  if (body.stop != null)
    request.stop_sequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  const tools = (body.tools as OpenAITool[] | undefined)?.filter((tool) => tool.function);
  if (tools?.length) {
    request.tools = tools.map(({ function: fn }) => ({
      name: fn?.name,
      description: fn?.description,
      input_schema: fn?.parameters ?? { type: "object", properties: {} },
    }));
  }
  const toolChoice = translateToolChoice(body.tool_choice, body.parallel_tool_calls === false);
  if (toolChoice) request.tool_choice = toolChoice;
  if (typeof body.user === "string") request.metadata = { user_id: body.user };
  if (body.stream === true) request.stream = true;
  return request;
}

function translateMessages(input: OpenAIMessage[]): {
  system: string;
  messages: AnthropicMessage[];
} {
  const system: string[] = [];
  const messages: { role: AnthropicMessage["role"]; content: Block[] }[] = [];
  // Anthropic wants user and assistant turns to alternate: consecutive turns of one role merge.
  const append = (role: AnthropicMessage["role"], content: Block[]) => {
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  for (const message of input) {
    if (message.role === "system" || message.role === "developer") {
      system.push(textOf(message.content));
    } else if (message.role === "user") {
      append("user", contentBlocks(message.content));
    } else if (message.role === "assistant") {
      append("assistant", [
        ...contentBlocks(message.content),
        ...(message.tool_calls ?? []).map(toolUseBlock),
      ]);
    } else if (message.role === "tool") {
      append("user", [
        {
          type: "tool_result",
          tool_use_id: message.tool_call_id,
          content: textOf(message.content),
        },
      ]);
    }
  }
  return {
    system: system.filter(Boolean).join("\n\n"),
    messages: messages.map(({ role, content }) => ({
      role,
      content:
        content.length === 1 && content[0]?.type === "text" ? String(content[0].text) : content,
    })),
  };
}

function contentBlocks(content: unknown): Block[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part: Block): Block[] => {
    if (part.type === "text") return part.text ? [{ type: "text", text: part.text }] : [];
    if (part.type === "image_url") return [imageBlock(part.image_url as { url?: string })];
    // Anything else may already be an Anthropic block (document, image): the provider judges it.
    return [part];
  });
}

function imageBlock(image: { url?: string } | undefined): Block {
  const url = image?.url ?? "";
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return {
    type: "image",
    source: inline
      ? { type: "base64", media_type: inline[1], data: inline[2] }
      : { type: "url", url },
  };
}

function toolUseBlock(call: ToolCall): Block {
  return { type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call) };
}

function parseArguments(call: ToolCall): unknown {
  try {
    const input: unknown = JSON.parse(call.function.arguments || "{}");
    return input && typeof input === "object" ? input : {};
  } catch {
    return {};
  }
}

function translateToolChoice(choice: unknown, serialOnly: boolean): Block | undefined {
  let translated: Block | undefined;
  if (choice === "auto") translated = { type: "auto" };
  else if (choice === "required") translated = { type: "any" };
  else if (choice === "none") return { type: "none" };
  else if (typeof choice === "object" && choice !== null) {
    const name = (choice as { function?: { name?: string } }).function?.name;
    if (name) translated = { type: "tool", name };
  }
  if (!serialOnly) return translated;
  return { ...(translated ?? { type: "auto" }), disable_parallel_tool_use: true };
}

const FINISH_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

function finishReasonOf(stopReason: string | null | undefined): string | null {
  if (!stopReason) return null;
  return FINISH_REASONS[stopReason] ?? "stop";
}

/** Anthropic counts cached input apart; OpenAI's prompt_tokens includes it. */
function inputTokensOf(usage: AnthropicUsage | undefined): number {
  return (
    (usage?.input_tokens ?? 0) +
    (usage?.cache_creation_input_tokens ?? 0) +
    (usage?.cache_read_input_tokens ?? 0)
  );
}

function openaiUsage(inputTokens: number, outputTokens: number): OpenAIUsage {
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

export function completionFromAnswer(answer: AnthropicAnswer, created: number): ChatCompletion {
  const blocks = answer.content ?? [];
  const text = blocks
    .filter((block) => block.type === "text")
    .map((block) => String(block.text))
    .join("");
  const toolCalls: ToolCall[] = blocks
    .filter((block) => block.type === "tool_use")
    .map((block) => ({
      id: String(block.id),
      type: "function",
      function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
    }));
  const message: AssistantMessage = {
    role: "assistant",
    content: text || (toolCalls.length > 0 ? null : ""),
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: answer.id,
    object: "chat.completion",
    created,
    model: answer.model,
    choices: [{ index: 0, message, finish_reason: finishReasonOf(answer.stop_reason) }],
    usage: openaiUsage(inputTokensOf(answer.usage), answer.usage?.output_tokens ?? 0),
  };
}

export function completeAnthropic(
  text: string,
  created: number,
): { body: string; fields: OutcomeFields } {
  const completion = completionFromAnswer(JSON.parse(text) as AnthropicAnswer, created);
  return { body: JSON.stringify(completion), fields: outcomeOfCompletion(completion) };
}

interface StreamEvent {
  type?: string;
  index?: number;
  message?: AnthropicAnswer;
  content_block?: Block;
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: unknown;
}

/** Anthropic stream events (message_start … message_stop) as OpenAI chunks ending in [DONE]. */
export class AnthropicStreamTranslator extends JsonEventTranslator {
  private id = "";
  private model = "";
  private inputTokens = 0;
  private outputTokens = 0;
  /** Anthropic numbers every content block; OpenAI numbers only the tool calls. */
  private readonly toolIndexOfBlock = new Map<number, number>();

  constructor(
    private readonly accumulator: ChunkAccumulator,
    private readonly created: number,
    private readonly clientWantsUsage: boolean,
    target: ProviderTarget,
  ) {
    super(target);
  }

  // Methods are bivariant in their parameters, so the parsed JSON can be typed as the event.
  protected translateData(data: StreamEvent): string {
    switch (data.type) {
      case "message_start":
        this.id = data.message?.id ?? "";
        this.model = data.message?.model ?? "";
        this.inputTokens = inputTokensOf(data.message?.usage);
        this.outputTokens = data.message?.usage?.output_tokens ?? 0;
        return this.emit({ role: "assistant", content: "" });
      case "content_block_start":
        return this.startBlock(data.index ?? 0, data.content_block ?? {});
      case "content_block_delta":
        return this.continueBlock(data.index ?? 0, data.delta ?? {});
      case "message_delta":
        if (data.usage?.output_tokens !== undefined) this.outputTokens = data.usage.output_tokens;
        if (data.usage?.input_tokens !== undefined) this.inputTokens = inputTokensOf(data.usage);
        return this.emit({}, finishReasonOf(data.delta?.stop_reason) ?? "stop");
      case "message_stop":
        return this.finish();
      case "error":
        return this.failWith(data.error);
      default:
        // ping, content_block_stop, and event types added after this was written
        return "";
    }
  }

  private startBlock(index: number, block: Block): string {
    if (block.type === "text" && block.text) return this.emit({ content: String(block.text) });
    if (block.type !== "tool_use") return "";
    const toolIndex = this.toolIndexOfBlock.size;
    this.toolIndexOfBlock.set(index, toolIndex);
    return this.emit({
      tool_calls: [
        {
          index: toolIndex,
          id: String(block.id),
          type: "function",
          function: { name: String(block.name), arguments: "" },
        },
      ],
    });
  }

  private continueBlock(index: number, delta: NonNullable<StreamEvent["delta"]>): string {
    if (delta.type === "text_delta" && delta.text) return this.emit({ content: delta.text });
    const toolIndex = this.toolIndexOfBlock.get(index);
    if (delta.type === "input_json_delta" && delta.partial_json && toolIndex !== undefined) {
      return this.emit({
        tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }],
      });
    }
    // thinking and signature deltas have no place in a chat completion
    return "";
  }

  private finish(): string {
    this.done = true;
    const usageChunk: ChatCompletionChunk = {
      ...this.envelope(),
      choices: [],
      usage: openaiUsage(this.inputTokens, this.outputTokens),
    };
    this.accumulator.add(usageChunk);
    return this.clientWantsUsage ? chunkEvent(usageChunk) + DONE_EVENT : DONE_EVENT;
  }

  private emit(delta: ChunkDelta, finishReason: string | null = null): string {
    const chunk: ChatCompletionChunk = {
      ...this.envelope(),
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
    this.accumulator.add(chunk);
    return chunkEvent(chunk);
  }

  private envelope(): Pick<ChatCompletionChunk, "id" | "object" | "created" | "model"> {
    return {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
    };
  }
}

export function anthropicStreamTranslator(
  body: ChatCompletionBody,
  accumulator: ChunkAccumulator,
  created: number,
  target: ProviderTarget,
): AnthropicStreamTranslator {
  return new AnthropicStreamTranslator(accumulator, created, wantsStreamUsage(body), target);
}
