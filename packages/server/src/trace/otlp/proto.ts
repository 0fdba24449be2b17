/**
 * The part of opentelemetry-proto (v1) that an OTLP/HTTP trace export carries, with the field
 * numbers of the official .proto files: common/v1/common.proto, resource/v1/resource.proto,
 * trace/v1/trace.proto and collector/trace/v1/trace_service.proto. Fields we never read
 * (links, trace_state, flags, dropped counts) are declared anyway so the schema documents the
 * wire format; protobufjs skips unknown fields, so newer senders still decode.
 */
import protobuf from "protobufjs";

/**
 * The official files are proto3. These are edition 2023 with proto3's semantics (implicit
 * presence, open enums) except UTF-8 validation: protobufjs validates proto3 strings in
 * JavaScript, which costs more than the rest of decoding once prompts and completions are long.
 * Without it strings are decoded natively and invalid bytes become U+FFFD.
 */
const PROTO3_WITHOUT_UTF8_CHECKS = `
edition = "2023";
option features.field_presence = IMPLICIT;
option features.utf8_validation = NONE;
`;

const COMMON = `
${PROTO3_WITHOUT_UTF8_CHECKS}
package opentelemetry.proto.common.v1;
// Officially its members sit in "oneof value", which gives them explicit presence: see
// ANY_VALUE_KINDS below for why they are plain fields here.
message AnyValue {
  string string_value = 1 [features.field_presence = EXPLICIT];
  bool bool_value = 2 [features.field_presence = EXPLICIT];
  int64 int_value = 3 [features.field_presence = EXPLICIT];
  double double_value = 4 [features.field_presence = EXPLICIT];
  ArrayValue array_value = 5;
  KeyValueList kvlist_value = 6;
  bytes bytes_value = 7 [features.field_presence = EXPLICIT];
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

const RESOURCE = `
${PROTO3_WITHOUT_UTF8_CHECKS}
package opentelemetry.proto.resource.v1;
message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const TRACE = `
${PROTO3_WITHOUT_UTF8_CHECKS}
package opentelemetry.proto.trace.v1;
message ResourceSpans {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  reserved 1;
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}
`;

const COLLECTOR = `
${PROTO3_WITHOUT_UTF8_CHECKS}
package opentelemetry.proto.collector.trace.v1;
message ExportTraceServiceRequest {
  repeated opentelemetry.proto.trace.v1.ResourceSpans resource_spans = 1;
}
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}
`;

function buildRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of [COMMON, RESOURCE, TRACE, COLLECTOR]) protobuf.parse(source, root);
  root.resolveAll();
  return root;
}

const otlpRoot = buildRoot();

const COLLECTOR_PACKAGE = "opentelemetry.proto.collector.trace.v1";
export const ExportTraceServiceRequest = otlpRoot.lookupType(
  `${COLLECTOR_PACKAGE}.ExportTraceServiceRequest`,
);
export const ExportTraceServiceResponse = otlpRoot.lookupType(
  `${COLLECTOR_PACKAGE}.ExportTraceServiceResponse`,
);

/**
 * A 64-bit integer as protobufjs decodes it (a `long` instance). Only the bits are read, so
 * the value never passes through a lossy double.
 */
export interface LongBits {
  low: number;
  high: number;
  unsigned: boolean;
}

export function isLongBits(value: unknown): value is LongBits {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as LongBits).low === "number" &&
    typeof (value as LongBits).high === "number"
  );
}

export function longBitsToBigInt({ low, high, unsigned }: LongBits): bigint {
  const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

/**
 * The decoded request, as plain protobufjs messages. The shape matches OTLP/JSON (camelCase
 * field names), so one walker reads both; only AnyValue and 64-bit numbers differ.
 */
export function decodeExportTraceRequest(bytes: Uint8Array): unknown {
  // protobufjs decodes strings natively only from a Buffer; wrapping does not copy.
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return ExportTraceServiceRequest.decode(buffer);
}

/**
 * Whether a protobuf request nests messages more than `max` deep (the request itself is level 1),
 * found in one pass with an explicit stack. protobufjs decodes by recursion, so an AnyValue
 * wrapped in itself a hundred thousand times would overflow the stack: this runs first. Throws on
 * malformed input, as decoding would.
 */
export function messageNestingExceeds(bytes: Uint8Array, max: number): boolean {
  const reader = protobuf.Reader.create(bytes);
  const open = [{ type: ExportTraceServiceRequest, end: reader.len }];
  for (let current = open.at(-1); current; current = open.at(-1)) {
    if (reader.pos >= current.end) {
      open.pop();
      continue;
    }
    const tag = reader.uint32();
    const wireType = tag & 7;
    const nested = current.type.fieldsById[tag >>> 3]?.resolvedType;
    if (wireType === 2 && nested instanceof protobuf.Type) {
      const length = reader.uint32();
      if (open.length >= max) return true;
      open.push({ type: nested, end: reader.pos + length });
    } else if (wireType === 3 || wireType === 4) {
      // protobufjs skips groups by recursion too; OTLP never sends them.
      throw new Error("groups (wire types 3 and 4) are not part of OTLP");
    } else {
      reader.skipType(wireType);
    }
  }
  return false;
}

/**
 * The members of an AnyValue's oneof, spelled as in OTLP/JSON and protobufjs alike. The schema
 * declares them as plain fields, which is the same on the wire: protobufjs's oneof setter deletes
 * the six unset members from every decoded AnyValue, turning each into a slow dictionary object.
 */
export const ANY_VALUE_KINDS = [
  "stringValue",
  "boolValue",
  "intValue",
  "doubleValue",
  "arrayValue",
  "kvlistValue",
  "bytesValue",
] as const;

/**
 * Which member of an AnyValue is set, e.g. "stringValue"; undefined when empty. protobufjs puts
 * every member's default on the prototype and sets only what was on the wire on the message.
 */
export function protoAnyValueKind(value: Record<string, unknown>): string | undefined {
  for (const kind of ANY_VALUE_KINDS) {
    if (Object.hasOwn(value, kind)) return kind;
  }
  return undefined;
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** An ExportTraceServiceResponse; a full success is the empty message, as the spec suggests. */
export function encodeExportTraceResponse({
  rejectedSpans,
  errorMessage,
}: PartialSuccess): Uint8Array<ArrayBuffer> {
  const fullSuccess = rejectedSpans === 0 && errorMessage === "";
  const message = fullSuccess ? {} : { partialSuccess: { rejectedSpans, errorMessage } };
  const encoded = ExportTraceServiceResponse.encode(message).finish();
  // A copy owns its memory: protobufjs may hand out a view into a shared pooled slab.
  return new Uint8Array(encoded);
}
