/**
 * Request bodies nested to a chosen depth, built as text and bytes without recursion (so a test
 * can send 100,000 levels without overflowing its own stack).
 */

/** JSON text of `depth` arrays inside one another around a number: depth 2 is `[[1]]`. */
export function nestedArrayJson(depth: number): string {
  return `${"[".repeat(depth)}1${"]".repeat(depth)}`;
}

/** 2023-11-14T22:13:20Z and one second later, in nanoseconds. */
const START_NANOS = "1700000000000000000";
const END_NANOS = "1700000001000000000";
export const NESTED_TRACE_ID = "5b8efff798038103d269b633813fc60c";

/**
 * An OTLP/JSON export of one GenAI span whose `app.nested` attribute is an array holding an array
 * … `depth` arrays deep. Stored, it is trace `${NESTED_TRACE_ID}-${spanId}`.
 */
export function otlpJsonWithNestedAttribute(depth: number, spanId = "eee19b7ec3c1b174"): string {
  const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"intValue":"1"}${"]}}".repeat(depth)}`;
  const attributes = [
    '{"key":"gen_ai.system","value":{"stringValue":"openai"}}',
    '{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}}',
    `{"key":"app.nested","value":${value}}`,
  ].join(",");
  const span = `{"traceId":"${NESTED_TRACE_ID}","spanId":"${spanId}","name":"chat gpt-4o","startTimeUnixNano":"${START_NANOS}","endTimeUnixNano":"${END_NANOS}","attributes":[${attributes}]}`;
  return `{"resourceSpans":[{"scopeSpans":[{"spans":[${span}]}]}]}`;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 127) {
    bytes.push((rest & 127) | 128);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

/** A length-delimited field (a message, string or bytes). */
function field(number: number, payload: Uint8Array): Uint8Array {
  return Buffer.concat([
    Uint8Array.from([...varint((number << 3) | 2), ...varint(payload.length)]),
    payload,
  ]);
}

function fixed64(number: number, value: bigint): Uint8Array {
  const bytes = Buffer.alloc(9);
  bytes[0] = (number << 3) | 1;
  bytes.writeBigUInt64LE(value, 1);
  return bytes;
}

const text = (value: string) => new TextEncoder().encode(value);

/** An AnyValue holding `depth` ArrayValues inside one another around an int. */
function nestedAnyValue(depth: number): Uint8Array {
  const leaf = [0x18, 0x01]; // int_value = 1
  // Headers from the inside out: each level is AnyValue.array_value(5) → ArrayValue.values(1).
  const headers: number[][] = [];
  let length = leaf.length;
  for (let level = 0; level < depth; level++) {
    const values = [0x0a, ...varint(length)];
    length += values.length;
    const arrayValue = [0x2a, ...varint(length)];
    length += arrayValue.length;
    headers.push(values, arrayValue);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const header of [...headers.reverse(), leaf]) {
    bytes.set(header, at);
    at += header.length;
  }
  return bytes;
}

function stringAttribute(key: string, value: string): Uint8Array {
  return field(9, Buffer.concat([field(1, text(key)), field(2, field(1, text(value)))]));
}

/** The same export as `otlpJsonWithNestedAttribute`, as OTLP protobuf. */
export function otlpProtobufWithNestedAttribute(
  depth: number,
  spanId = "eee19b7ec3c1b174",
): Uint8Array {
  const span = Buffer.concat([
    field(1, Buffer.from(NESTED_TRACE_ID, "hex")),
    field(2, Buffer.from(spanId, "hex")),
    field(5, text("chat gpt-4o")),
    fixed64(7, BigInt(START_NANOS)),
    fixed64(8, BigInt(END_NANOS)),
    stringAttribute("gen_ai.system", "openai"),
    stringAttribute("gen_ai.request.model", "gpt-4o"),
    field(9, Buffer.concat([field(1, text("app.nested")), field(2, nestedAnyValue(depth))])),
  ]);
  // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2)
  return field(1, field(2, field(2, span)));
}
