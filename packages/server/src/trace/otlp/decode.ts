/**
 * OTLP/HTTP trace exports (JSON or protobuf) as promptline traces: every span that describes an
 * LLM call (OpenTelemetry GenAI semantic conventions, old and new names, plus OpenLLMetry's and
 * Langfuse's attributes) becomes one trace; other spans are counted and skipped.
 */
import { Invalid, type TraceInput, type TraceRejection, type Usage } from "@promptline/core";
import {
  ANY_VALUE_KINDS,
  decodeExportTraceRequest,
  encodeExportTraceResponse,
  isLongBits,
  longBitsToBigInt,
  type PartialSuccess,
  protoAnyValueKind,
} from "./proto.js";

export interface OtlpDecodeResult {
  /** One per GenAI span, in request order. */
  traces: Array<{ index: number; trace: TraceInput }>;
  /** GenAI spans that cannot become a trace, with what to fix. */
  rejected: TraceRejection[];
  /** Spans that are not LLM calls (no gen_ai.* or llm.* attribute): expected, not an error. */
  ignored: number;
  /** All spans in the request. */
  total: number;
}

export function decodeOtlpJson(body: unknown): OtlpDecodeResult {
  return decodeExportRequest(body, jsonAnyValueKind);
}

export function decodeOtlpProtobuf(bytes: Uint8Array): OtlpDecodeResult {
  let request: unknown;
  try {
    request = decodeExportTraceRequest(bytes);
  } catch (error) {
    throw new Invalid(
      `the body is not an OTLP ExportTraceServiceRequest in protobuf (${(error as Error).message}); ` +
        "send what an OTLP/HTTP exporter produces with Content-Type: application/x-protobuf, " +
        "or OTLP/JSON with Content-Type: application/json",
    );
  }
  return decodeExportRequest(request, protoAnyValueKind);
}

export function encodeExportResponse(
  partial: PartialSuccess,
  format: "protobuf",
): Uint8Array<ArrayBuffer>;
export function encodeExportResponse(partial: PartialSuccess, format: "json"): object;
export function encodeExportResponse(
  partial: PartialSuccess,
  format: "json" | "protobuf",
): Uint8Array<ArrayBuffer> | object;
export function encodeExportResponse(
  partial: PartialSuccess,
  format: "json" | "protobuf",
): Uint8Array<ArrayBuffer> | object {
  if (format === "protobuf") return encodeExportTraceResponse(partial);
  // The spec asks for no partialSuccess at all when everything was accepted.
  if (partial.rejectedSpans === 0 && partial.errorMessage === "") return {};
  return { partialSuccess: { ...partial } };
}

// ---------------------------------------------------------------------------------------------
// Walking the request. Protobufjs messages have the same camelCase shape as OTLP/JSON, so one
// walker reads both; the formats differ only in how an AnyValue says which member is set.

type Attributes = Map<string, unknown>;
type AnyValueKind = (value: Record<string, unknown>) => string | undefined;

interface ScopeContext {
  kindOf: AnyValueKind;
  resource: Attributes;
  serviceName: string | undefined;
  scope: { name: string; version?: string } | undefined;
}

type SpanOutcome =
  | { kind: "trace"; trace: TraceInput }
  | { kind: "rejected"; rejection: TraceRejection }
  | { kind: "ignored" };

function jsonAnyValueKind(value: Record<string, unknown>): string | undefined {
  for (const kind of ANY_VALUE_KINDS) {
    if (value[kind] !== undefined && value[kind] !== null) return kind;
  }
  return undefined;
}

function decodeExportRequest(request: unknown, kindOf: AnyValueKind): OtlpDecodeResult {
  const result: OtlpDecodeResult = { traces: [], rejected: [], ignored: 0, total: 0 };
  for (const [r, resourceSpans] of requireResourceSpans(request).entries()) {
    const path = `resourceSpans[${r}]`;
    if (!isRecord(resourceSpans)) throw new Invalid(`${path} must be an object with scopeSpans`);
    const resource = readAttributes(asRecord(resourceSpans.resource)?.attributes, kindOf);
    const serviceName = resource.get("service.name");
    for (const [s, scopeSpans] of listAt(resourceSpans, "scopeSpans", path).entries()) {
      const scopePath = `${path}.scopeSpans[${s}]`;
      if (!isRecord(scopeSpans)) throw new Invalid(`${scopePath} must be an object with spans`);
      const context: ScopeContext = {
        kindOf,
        resource,
        serviceName: typeof serviceName === "string" ? serviceName : undefined,
        scope: readScope(scopeSpans.scope),
      };
      for (const span of listAt(scopeSpans, "spans", scopePath)) {
        const index = result.total++;
        recordOutcome(result, index, decodeSpan(span, index, context));
      }
    }
  }
  return result;
}

function recordOutcome(result: OtlpDecodeResult, index: number, outcome: SpanOutcome): void {
  if (outcome.kind === "ignored") result.ignored++;
  else if (outcome.kind === "rejected") result.rejected.push(outcome.rejection);
  else result.traces.push({ index, trace: outcome.trace });
}

function requireResourceSpans(request: unknown): unknown[] {
  if (isRecord(request)) {
    if (Array.isArray(request.resourceSpans)) return request.resourceSpans;
    if (request.resource_spans !== undefined) {
      throw new Invalid(
        "OTLP/JSON field names are camelCase: send resourceSpans, not resource_spans",
      );
    }
  }
  throw new Invalid(
    'an OTLP trace export is an object with a resourceSpans array, e.g. {"resourceSpans": [{"scopeSpans": [{"spans": [...]}]}]}',
  );
}

/** A repeated field; proto3 JSON leaves empty ones out, so absent means empty. */
function listAt(parent: Record<string, unknown>, key: string, path: string): unknown[] {
  const list = parent[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Invalid(`${path}.${key} must be an array`);
  return list;
}

function readScope(value: unknown): ScopeContext["scope"] {
  const scope = asRecord(value);
  if (typeof scope?.name !== "string" || scope.name === "") return undefined;
  return typeof scope.version === "string" && scope.version !== ""
    ? { name: scope.name, version: scope.version }
    : { name: scope.name };
}

// ---------------------------------------------------------------------------------------------
// One span.

/** Collects why a span cannot be stored, each reason naming the span and the field to fix. */
class SpanProblems {
  readonly reasons: string[] = [];
  constructor(private readonly index: number) {}
  add(message: string): void {
    this.reasons.push(`span ${this.index}: ${message}`);
  }
}

function decodeSpan(span: unknown, index: number, context: ScopeContext): SpanOutcome {
  if (!isRecord(span)) {
    return {
      kind: "rejected",
      rejection: { index, reasons: [`span ${index}: a span must be an object`] },
    };
  }
  if (!hasGenAiAttribute(span.attributes)) return { kind: "ignored" };
  const problems = new SpanProblems(index);
  const ids = readSpanIds(span, problems);
  const timing = readTiming(span, problems);
  const attributes = new SpanAttributes(
    readAttributes(span.attributes, context.kindOf),
    context.resource,
    problems,
  );
  const fields = readGenAiFields(span, attributes, context.kindOf);
  const id = ids.traceId && ids.spanId ? `${ids.traceId}-${ids.spanId}` : undefined;
  if (problems.reasons.length > 0 || !timing || !id) {
    return { kind: "rejected", rejection: { index, id, reasons: problems.reasons } };
  }
  const metadata = readMetadata(span, ids, context, attributes);
  return { kind: "trace", trace: { id, ...timing, ...fields, metadata } };
}

/** The cheap test that lets non-LLM spans (HTTP, DB, …) skip every conversion. */
function hasGenAiAttribute(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (const entry of list) {
    const key = asRecord(entry)?.key;
    if (typeof key === "string" && (key.startsWith("gen_ai.") || key.startsWith("llm."))) {
      return true;
    }
  }
  return false;
}

function readAttributes(list: unknown, kindOf: AnyValueKind): Attributes {
  const attributes: Attributes = new Map();
  if (!Array.isArray(list)) return attributes;
  for (const entry of list) {
    // A KeyValue without a key cannot be addressed by anything downstream.
    if (isRecord(entry) && typeof entry.key === "string") {
      attributes.set(entry.key, readAnyValue(entry.value, kindOf));
    }
  }
  return attributes;
}

/** An AnyValue as plain JSON-safe data: 64-bit integers past 2^53 stay strings, bytes base64. */
function readAnyValue(value: unknown, kindOf: AnyValueKind): unknown {
  if (!isRecord(value)) return undefined;
  switch (kindOf(value)) {
    case "stringValue":
      return value.stringValue;
    case "boolValue":
      return value.boolValue;
    case "intValue":
      return readInt64(value.intValue);
    case "doubleValue":
      return readDouble(value.doubleValue);
    case "arrayValue":
      return listOf(asRecord(value.arrayValue)?.values).map((item) => readAnyValue(item, kindOf));
    case "kvlistValue":
      return Object.fromEntries(readAttributes(asRecord(value.kvlistValue)?.values, kindOf));
    case "bytesValue":
      return value.bytesValue instanceof Uint8Array
        ? bufferOf(value.bytesValue).toString("base64")
        : value.bytesValue;
    default:
      return undefined;
  }
}

function readInt64(value: unknown): unknown {
  if (isLongBits(value)) {
    const exact = longBitsToBigInt(value);
    const asNumber = Number(exact);
    return Number.isSafeInteger(asNumber) ? asNumber : exact.toString();
  }
  if (typeof value === "string") {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value;
  }
  return value;
}

/** OTLP/JSON spells NaN and the infinities as strings; JSON cannot hold them as numbers. */
function readDouble(value: unknown): unknown {
  const asNumber = typeof value === "string" ? Number(value) : value;
  return typeof asNumber === "number" && Number.isFinite(asNumber) ? asNumber : String(value);
}

// ---------------------------------------------------------------------------------------------
// Ids and times.

interface SpanIds {
  traceId: string | undefined;
  spanId: string | undefined;
  parentSpanId: string | undefined;
}

const HEX = /^[0-9a-fA-F]+$/;

function readSpanIds(span: Record<string, unknown>, problems: SpanProblems): SpanIds {
  return {
    traceId: readId(span.traceId, "traceId", 16, problems, true),
    spanId: readId(span.spanId, "spanId", 8, problems, true),
    parentSpanId: readId(span.parentSpanId, "parentSpanId", 8, problems, false),
  };
}

/** An id as lowercase hex: bytes in protobuf, hex (not base64) in OTLP/JSON. */
function readId(
  value: unknown,
  field: string,
  byteLength: number,
  problems: SpanProblems,
  required: boolean,
): string | undefined {
  const hex =
    typeof value === "string"
      ? value
      : value instanceof Uint8Array
        ? bufferOf(value).toString("hex")
        : undefined;
  const expected = `${byteLength} bytes (${byteLength * 2} hex characters)`;
  // protobufjs leaves an unset bytes field as an empty array.
  const absent = value === undefined || value === null || (Array.isArray(value) && !value.length);
  if (absent || hex === "") {
    if (required) problems.add(`${field} is missing; it must be ${expected}`);
    return undefined;
  }
  if (hex === undefined || hex.length !== byteLength * 2 || !HEX.test(hex)) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : describe(value);
    problems.add(`${field} must be ${expected}, as hex in OTLP/JSON (got ${got})`);
    return undefined;
  }
  if (/^0+$/.test(hex)) {
    problems.add(`${field} is all zeros, which OpenTelemetry defines as invalid`);
    return undefined;
  }
  return hex.toLowerCase();
}

interface Timing {
  startTime: string;
  endTime?: string;
  latencyMs?: number;
}

const NANOS_PER_MS = 1_000_000n;
const MAX_FIXED64 = 2n ** 64n - 1n;
const DIGITS = /^\d{1,20}$/;

function readTiming(span: Record<string, unknown>, problems: SpanProblems): Timing | undefined {
  const start = readUnixNanos(span.startTimeUnixNano, "startTimeUnixNano", problems);
  const end = readUnixNanos(span.endTimeUnixNano, "endTimeUnixNano", problems);
  if (start === 0n) problems.add("startTimeUnixNano is missing or zero; set the span's start time");
  if (start === undefined || start === 0n || end === undefined) return undefined;
  if (end === 0n) return { startTime: nanosToIso(start) };
  if (end < start) {
    problems.add(`endTimeUnixNano (${end}) is before startTimeUnixNano (${start})`);
    return undefined;
  }
  return {
    startTime: nanosToIso(start),
    endTime: nanosToIso(end),
    latencyMs: Number((end - start) / 1000n) / 1000,
  };
}

/**
 * Nanoseconds since 1970 as an exact bigint: 0n when absent (proto3's default), undefined when
 * malformed (and reported). Times exceed 2^53, so they never pass through a double unless the
 * JSON sender already wrote them as one.
 */
function readUnixNanos(value: unknown, field: string, problems: SpanProblems): bigint | undefined {
  let nanos: bigint | undefined;
  if (value === undefined || value === null) nanos = 0n;
  else if (isLongBits(value)) nanos = longBitsToBigInt(value);
  else if (typeof value === "string" && DIGITS.test(value)) nanos = BigInt(value);
  else if (typeof value === "number" && Number.isInteger(value) && value >= 0)
    nanos = BigInt(value);
  if (nanos === undefined || nanos < 0n || nanos > MAX_FIXED64) {
    problems.add(
      `${field} must be a whole number of nanoseconds since 1970, e.g. "1700000000000000000" (got ${describe(value)})`,
    );
    return undefined;
  }
  return nanos;
}

function nanosToIso(nanos: bigint): string {
  return new Date(Number(nanos / NANOS_PER_MS)).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Attributes.

/**
 * A span's attributes with the resource's as service-level defaults. Reading a field consumes
 * its keys (every alias), so whatever is left over goes to metadata as-is.
 */
class SpanAttributes {
  constructor(
    private readonly own: Attributes,
    private readonly resource: Attributes,
    private readonly problems: SpanProblems,
  ) {}

  /** The first of `keys` the span sets, else the first the resource sets. */
  take(keys: readonly string[]): { key: string; value: unknown } | undefined {
    let found: { key: string; value: unknown } | undefined;
    for (const key of keys) {
      const value = this.own.get(key);
      if (value === undefined) continue;
      this.own.delete(key);
      found ??= { key, value };
    }
    if (found) return found;
    for (const key of keys) {
      const value = this.resource.get(key);
      if (value !== undefined) return { key, value };
    }
    return undefined;
  }

  text(keys: readonly string[]): string | undefined {
    const found = this.take(keys);
    if (!found || found.value === "") return undefined;
    // Ids are often numbers in the sender's code; their text is what users search for.
    if (typeof found.value === "number" || typeof found.value === "boolean") {
      return String(found.value);
    }
    if (typeof found.value === "string") return found.value;
    this.problems.add(`${found.key} must be a string (got ${describe(found.value)})`);
    return undefined;
  }

  /** A token count. */
  count(keys: readonly string[]): number | undefined {
    return this.number(keys, "a non-negative integer", (n) => Number.isSafeInteger(n) && n >= 0);
  }

  /** A version number. */
  positiveInteger(keys: readonly string[]): number | undefined {
    return this.number(keys, "a positive integer", (n) => Number.isSafeInteger(n) && n > 0);
  }

  /** A cost or a duration. */
  amount(keys: readonly string[]): number | undefined {
    return this.number(keys, "a non-negative number", (n) => Number.isFinite(n) && n >= 0);
  }

  /** A JSON document sent as a string (or already structured, as an OTLP array or kvlist). */
  json(key: string): unknown {
    const found = this.take([key]);
    if (typeof found?.value !== "string") return found?.value;
    try {
      return JSON.parse(found.value);
    } catch (error) {
      this.problems.add(`${key} is not valid JSON (${(error as Error).message})`);
      return undefined;
    }
  }

  /** OpenLLMetry's flattened messages: `gen_ai.prompt.0.role`, `gen_ai.prompt.0.content`, … */
  indexed(prefix: string): Record<string, unknown>[] | undefined {
    const byPosition = new Map<number, Record<string, unknown>>();
    for (const [key, value] of this.own) {
      if (!key.startsWith(prefix)) continue;
      const dot = key.indexOf(".", prefix.length);
      const position = key.slice(prefix.length, dot);
      if (dot < 0 || !DIGITS.test(position)) continue;
      const message = byPosition.get(Number(position)) ?? {};
      message[key.slice(dot + 1)] = value;
      byPosition.set(Number(position), message);
      this.own.delete(key);
    }
    if (byPosition.size === 0) return undefined;
    return [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, message]) => message);
  }

  /** Fills in keys the span lacks from another source (an event that carries them instead). */
  adopt(source: Attributes, keys: readonly string[]): void {
    for (const key of keys) {
      const value = source.get(key);
      if (value !== undefined && !this.own.has(key)) this.own.set(key, value);
    }
  }

  /** Every span attribute no field consumed. */
  remaining(): Record<string, unknown> {
    const remaining: Record<string, unknown> = {};
    for (const [key, value] of this.own) {
      if (value !== undefined) remaining[key] = value;
    }
    return remaining;
  }

  private number(
    keys: readonly string[],
    expected: string,
    isValid: (value: number) => boolean,
  ): number | undefined {
    const found = this.take(keys);
    if (!found) return undefined;
    const value =
      typeof found.value === "string" && found.value.trim() !== ""
        ? Number(found.value)
        : found.value;
    if (typeof value === "number" && isValid(value)) return value;
    this.problems.add(`${found.key} must be ${expected} (got ${describe(found.value)})`);
    return undefined;
  }
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

function readGenAiFields(
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

/** OTLP/JSON may send an enum as its number or its name. */
function readEnum(value: unknown, names: readonly string[]): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const index = names.indexOf(value);
  return index >= 0 ? index : undefined;
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

// ---------------------------------------------------------------------------------------------
// Metadata: where the span came from, plus everything the typed fields did not take.

function readMetadata(
  span: Record<string, unknown>,
  ids: SpanIds,
  context: ScopeContext,
  attributes: SpanAttributes,
): Record<string, unknown> {
  const finishReasons = attributes.take(FINISH_REASONS)?.value;
  const derived = {
    "service.name": context.serviceName,
    operation: attributes.text(OPERATION),
    request: readRequestParams(attributes),
    finishReasons:
      finishReasons === undefined || Array.isArray(finishReasons) ? finishReasons : [finishReasons],
  };
  // Assigned onto the leftovers rather than spread: spreading dotted keys is slow at this rate.
  const metadata = attributes.remaining();
  metadata.otel = {
    traceId: ids.traceId,
    spanId: ids.spanId,
    parentSpanId: ids.parentSpanId,
    name: typeof span.name === "string" ? span.name : "",
    kind: readSpanKind(span.kind),
    scope: context.scope,
  };
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

const SPAN_KINDS = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
];

/** "client", "internal", …; undefined when unspecified. */
function readSpanKind(value: unknown): string | undefined {
  const kind = readEnum(value, SPAN_KINDS);
  if (kind === undefined || kind === 0) return undefined;
  return SPAN_KINDS[kind]?.slice("SPAN_KIND_".length).toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/** A value as it would appear in the request, short enough for an error message. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
