/**
 * The GenAI semantic conventions (old and new names, plus OpenLLMetry's and Langfuse's
 * attributes) mapped onto a promptline trace's fields.
 */
import type { TraceInput, Usage } from "@promptline/core";
import {
  type AnyValueKind,
  type Attributes,
  asRecord,
  isRecord,
  listOf,
  readAttributes,
  readEnum,
  type SpanAttributes,
} from "./attributes.js";

/** The cheap test that lets non-LLM spans (HTTP, DB, …) skip every conversion. */
export function hasGenAiAttribute(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (const entry of list) {
    const key = asRecord(entry)?.key;
    if (typeof key === "string" && (key.startsWith("gen_ai.") || key.startsWith("llm."))) {
      return true;
    }
  }
  return false;
}

const PROVIDER = ["gen_ai.provider.name", "gen_ai.system"];
const MODEL = ["gen_ai.response.model", "gen_ai.request.model"];
const INPUT_TOKENS = [
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.prompt_tokens",
  "llm.usage.prompt_tokens",
];
const OUTPUT_TOKENS = [
  "gen_ai.usage.output_tokens",
  "gen_ai.usage.completion_tokens",
  "llm.usage.completion_tokens",
];
const TOTAL_TOKENS = ["llm.usage.total_tokens", "gen_ai.usage.total_tokens"];
const COST = ["gen_ai.usage.cost", "promptline.cost"];
const TTFT_MS = ["promptline.time_to_first_token_ms"];
const TTFT_SECONDS = ["gen_ai.response.time_to_first_chunk", "gen_ai.server.time_to_first_token"];
const PROMPT_NAME = ["promptline.prompt.name", "langfuse.observation.prompt.name"];
const PROMPT_VERSION = ["promptline.prompt.version", "langfuse.observation.prompt.version"];
const PROMPT_LABEL = ["promptline.prompt.label"];
const VARIANT = ["promptline.variant"];
const USER_ID = ["promptline.user.id", "user.id", "enduser.id", "langfuse.user.id"];
const SESSION_ID = [
  "promptline.session.id",
  "session.id",
  "gen_ai.conversation.id",
  "langfuse.session.id",
];
const ERROR_TYPE = ["error.type"];
const OPERATION = ["gen_ai.operation.name", "llm.request.type"];
const FINISH_REASONS = ["gen_ai.response.finish_reasons"];
const REQUEST_PARAMS = {
  temperature: ["gen_ai.request.temperature"],
  maxTokens: ["gen_ai.request.max_tokens"],
  topP: ["gen_ai.request.top_p"],
};

type GenAiFields = Omit<TraceInput, "id" | "startTime" | "endTime" | "latencyMs" | "metadata">;

export function readGenAiFields(
  span: Record<string, unknown>,
  attributes: SpanAttributes,
  kindOf: AnyValueKind,
): GenAiFields {
  // Events first: the newest conventions may carry the messages on an event instead.
  const events = readEventMessages(span.events, kindOf, attributes);
  return {
    provider: attributes.text(PROVIDER),
    model: attributes.text(MODEL),
    prompt: readPromptRef(attributes),
    variant: attributes.text(VARIANT),
    input: readInput(attributes, events.input),
    output: readOutput(attributes, events.output),
    usage: readUsage(attributes),
    cost: attributes.amount(COST),
    timeToFirstTokenMs: readTimeToFirstToken(attributes),
    ...readStatus(span.status, attributes),
    userId: attributes.text(USER_ID),
    sessionId: attributes.text(SESSION_ID),
  };
}

function readPromptRef(attributes: SpanAttributes): TraceInput["prompt"] {
  const name = attributes.text(PROMPT_NAME);
  if (name === undefined) return undefined;
  return {
    name,
    version: attributes.positiveInteger(PROMPT_VERSION),
    label: attributes.text(PROMPT_LABEL),
  };
}

function readUsage(attributes: SpanAttributes): Usage | undefined {
  const inputTokens = attributes.count(INPUT_TOKENS);
  const outputTokens = attributes.count(OUTPUT_TOKENS);
  const sum =
    inputTokens !== undefined && outputTokens !== undefined
      ? inputTokens + outputTokens
      : undefined;
  const totalTokens = attributes.count(TOTAL_TOKENS) ?? sum;
  if (inputTokens === undefined && outputTokens === undefined && totalTokens === undefined) {
    return undefined;
  }
  return { inputTokens, outputTokens, totalTokens };
}

function readTimeToFirstToken(attributes: SpanAttributes): number | undefined {
  const ms = attributes.amount(TTFT_MS);
  if (ms !== undefined) return ms;
  const seconds = attributes.amount(TTFT_SECONDS);
  return seconds === undefined ? undefined : seconds * 1000;
}

const STATUS_CODES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];
const STATUS_ERROR = 2;
const MAX_ERROR_LENGTH = 10_000;

function readStatus(
  value: unknown,
  attributes: SpanAttributes,
): { status: "ok" } | { status: "error"; error: string } {
  const status = asRecord(value);
  if (readEnum(status?.code, STATUS_CODES) !== STATUS_ERROR) return { status: "ok" };
  const message = typeof status?.message === "string" ? status.message : "";
  const error = message || attributes.text(ERROR_TYPE) || "error";
  return { status: "error", error: error.slice(0, MAX_ERROR_LENGTH) };
}

// ---------------------------------------------------------------------------------------------
// Messages: the newest conventions put them in gen_ai.input/output.messages (JSON), OpenLLMetry
// flattens them into indexed attributes, and the older conventions send one event per message.

type Message = Record<string, unknown>;

const INPUT_MESSAGES = "gen_ai.input.messages";
const OUTPUT_MESSAGES = "gen_ai.output.messages";
const SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions";
const EVENT_ROLES = new Map([
  ["gen_ai.system.message", "system"],
  ["gen_ai.user.message", "user"],
  ["gen_ai.assistant.message", "assistant"],
  ["gen_ai.tool.message", "tool"],
]);
const MESSAGE_EVENT_FIELDS = ["content", "tool_calls", "id"];
const CHOICE_EVENT_FIELDS = ["content", "tool_calls", "finish_reason", "index"];

function readInput(attributes: SpanAttributes, fromEvents: Message[]): unknown {
  const messages =
    attributes.json(INPUT_MESSAGES) ?? attributes.indexed("gen_ai.prompt.") ?? nonEmpty(fromEvents);
  const instructions = readSystemInstructions(attributes);
  const list = messages === undefined ? undefined : asMessages(messages, "user");
  return instructions ? [instructions, ...(list ?? [])] : list;
}

function readOutput(attributes: SpanAttributes, fromEvents: Message[]): unknown {
  const messages =
    attributes.json(OUTPUT_MESSAGES) ??
    attributes.indexed("gen_ai.completion.") ??
    nonEmpty(fromEvents);
  return messages === undefined ? undefined : asMessages(messages, "assistant");
}

/** Instructions are a JSON array of parts by the conventions, but plain text is common too. */
function readSystemInstructions(attributes: SpanAttributes): Message | undefined {
  const value = attributes.take([SYSTEM_INSTRUCTIONS])?.value;
  if (value === undefined) return undefined;
  const parsed = typeof value === "string" ? parseJsonOr(value, value) : value;
  return Array.isArray(parsed)
    ? { role: "system", parts: parsed }
    : { role: "system", content: parsed };
}

function asMessages(value: unknown, role: string): unknown[] {
  if (Array.isArray(value)) return value;
  return isRecord(value) ? [value] : [{ role, content: value }];
}

function readEventMessages(
  events: unknown,
  kindOf: AnyValueKind,
  attributes: SpanAttributes,
): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  for (const event of listOf(events)) {
    const name = asRecord(event)?.name;
    if (typeof name !== "string" || !name.startsWith("gen_ai.")) continue;
    const eventAttributes = readAttributes(asRecord(event)?.attributes, kindOf);
    const role = EVENT_ROLES.get(name);
    if (role) input.push(eventMessage(role, eventAttributes, MESSAGE_EVENT_FIELDS));
    else if (name === "gen_ai.choice") {
      output.push(eventMessage("assistant", eventAttributes, CHOICE_EVENT_FIELDS));
    } else if (name === "gen_ai.client.inference.operation.details") {
      attributes.adopt(eventAttributes, [INPUT_MESSAGES, OUTPUT_MESSAGES, SYSTEM_INSTRUCTIONS]);
    }
  }
  return { input, output };
}

/** A message event: the role its name implies, its body (`message`/`body`), then its fields. */
function eventMessage(role: string, attributes: Attributes, fields: readonly string[]): Message {
  const message: Message = { role, ...eventBody(attributes) };
  for (const field of fields) {
    const value = attributes.get(field);
    if (value !== undefined) message[field] = value;
  }
  return message;
}

function eventBody(attributes: Attributes): Message | undefined {
  const body = attributes.get("message") ?? attributes.get("body");
  const parsed = typeof body === "string" ? parseJsonOr(body, undefined) : body;
  if (isRecord(parsed)) return parsed;
  return body === undefined ? undefined : { content: body };
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata: where the span came from, plus everything the typed fields did not take.

/**
 * Call after readGenAiFields: the leftovers are whatever it did not consume. `otel` is the span's
 * own identity (ids, name, kind, scope) as the walker read it.
 */
export function readMetadata(
  attributes: SpanAttributes,
  serviceName: string | undefined,
  otel: Record<string, unknown>,
): Record<string, unknown> {
  const finishReasons = attributes.take(FINISH_REASONS)?.value;
  const derived = {
    "service.name": serviceName,
    operation: attributes.text(OPERATION),
    request: readRequestParams(attributes),
    finishReasons:
      finishReasons === undefined || Array.isArray(finishReasons) ? finishReasons : [finishReasons],
  };
  // Assigned onto the leftovers rather than spread: spreading dotted keys is slow at this rate.
  const metadata = attributes.remaining();
  metadata.otel = otel;
  for (const [key, value] of Object.entries(derived)) {
    if (value !== undefined) metadata[key] = value;
  }
  return metadata;
}

function readRequestParams(attributes: SpanAttributes): Record<string, unknown> | undefined {
  const params: Record<string, unknown> = {};
  let any = false;
  for (const [param, keys] of Object.entries(REQUEST_PARAMS)) {
    const value = attributes.take(keys)?.value;
    if (value === undefined) continue;
    params[param] = value;
    any = true;
  }
  return any ? params : undefined;
}
