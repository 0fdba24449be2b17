/**
 * OTLP/HTTP trace exports (JSON or protobuf) as promptline traces: every span that describes an
 * LLM call (OpenTelemetry GenAI semantic conventions, old and new names, plus OpenLLMetry's and
 * Langfuse's attributes) becomes one trace; other spans are counted and skipped. This file walks
 * the request; genai.ts maps the conventions onto a trace's fields.
 */
import { Invalid, MAX_JSON_DEPTH, type TraceInput, type TraceRejection } from "@promptline/core";
import {
  type AnyValueKind,
  type Attributes,
  asRecord,
  bufferOf,
  DIGITS,
  describe,
  isRecord,
  readAttributes,
  readEnum,
  SpanAttributes,
  SpanProblems,
} from "./attributes.js";
import { hasGenAiAttribute, readGenAiFields, readMetadata } from "./genai.js";
import {
  ANY_VALUE_KINDS,
  decodeExportTraceRequest,
  encodeExportTraceResponse,
  isLongBits,
  longBitsToBigInt,
  messageNestingExceeds,
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
  return decodeExportRequest(readProtobufRequest(bytes), protoAnyValueKind);
}

function readProtobufRequest(bytes: Uint8Array): unknown {
  try {
    if (!messageNestingExceeds(bytes, MAX_JSON_DEPTH)) return decodeExportTraceRequest(bytes);
  } catch (error) {
    throw new Invalid(
      `the body is not an OTLP ExportTraceServiceRequest in protobuf (${(error as Error).message}); ` +
        "send what an OTLP/HTTP exporter produces with Content-Type: application/x-protobuf, " +
        "or OTLP/JSON with Content-Type: application/json",
    );
  }
  throw new Invalid(
    `the request nests protobuf messages more than ${MAX_JSON_DEPTH} levels deep, which only attribute values ` +
      "with arrays or kvlists inside one another can do; flatten them, e.g. send deep structures as a JSON string",
    { maxDepth: MAX_JSON_DEPTH },
  );
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
  const metadata = readMetadata(attributes, context.serviceName, {
    traceId: ids.traceId,
    spanId: ids.spanId,
    parentSpanId: ids.parentSpanId,
    name: typeof span.name === "string" ? span.name : "",
    kind: readSpanKind(span.kind),
    scope: context.scope,
  });
  return { kind: "trace", trace: { id, ...timing, ...fields, metadata } };
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
