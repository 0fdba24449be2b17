import { Invalid, MAX_JSON_DEPTH } from "@promptline/core";
import { describe, expect, it } from "vitest";
import {
  otlpJsonWithNestedAttribute,
  otlpProtobufWithNestedAttribute,
} from "../../test-support/nested-bodies.js";
import { decodeOtlpJson, decodeOtlpProtobuf, type OtlpDecodeResult } from "./decode.js";

const nestedValue = (result: OtlpDecodeResult) => result.traces[0]?.trace.metadata?.["app.nested"];

const fromJson = (depth: number) => decodeOtlpJson(JSON.parse(otlpJsonWithNestedAttribute(depth)));
const fromProtobuf = (depth: number) => decodeOtlpProtobuf(otlpProtobufWithNestedAttribute(depth));

describe("OTLP attribute nesting", () => {
  it.each([
    ["JSON", fromJson],
    ["protobuf", fromProtobuf],
  ] as const)("keeps a normally nested %s attribute value as it was sent", (_, decode) => {
    const result = decode(3);
    expect(result.rejected).toEqual([]);
    expect(nestedValue(result)).toEqual([[[1]]]);
  });

  it("refuses a JSON attribute value nested past the limit, naming it, instead of overflowing", () => {
    expect(() => fromJson(MAX_JSON_DEPTH)).not.toThrow();
    expect(() => fromJson(MAX_JSON_DEPTH + 1)).toThrow(Invalid);
    expect(() => fromJson(50_000)).toThrow(
      `an attribute value is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });

  it("refuses a protobuf request nested past the limit before decoding it", () => {
    // Request, ResourceSpans, ScopeSpans, Span, KeyValue, then two messages per array level.
    const deepestAccepted = (MAX_JSON_DEPTH - 6) / 2;
    expect(nestedValue(fromProtobuf(deepestAccepted))).toBeDefined();
    for (const depth of [deepestAccepted + 1, 100_000]) {
      expect(() => fromProtobuf(depth)).toThrow(
        `the request nests protobuf messages more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
  });

  it("refuses protobuf groups, which a decoder would skip by recursion", () => {
    const groups = Uint8Array.from([...Array(50_000).fill(0x0b), ...Array(50_000).fill(0x0c)]);
    expect(() => decodeOtlpProtobuf(groups)).toThrow(
      /not an OTLP ExportTraceServiceRequest in protobuf \(groups .* are not part of OTLP\)/,
    );
  });

  it("rejects the span whose JSON string attribute nests past the limit, and says which", () => {
    const span = JSON.parse(otlpJsonWithNestedAttribute(1));
    const attributes = span.resourceSpans[0].scopeSpans[0].spans[0].attributes;
    const deepJson = `[${"[".repeat(50_000)}${"]".repeat(50_000)}]`;
    attributes.push({ key: "gen_ai.input.messages", value: { stringValue: deepJson } });
    const result = decodeOtlpJson(span);
    expect(result.traces).toEqual([]);
    expect(result.rejected[0]?.reasons).toEqual([
      `span 0: gen_ai.input.messages holds JSON nested more than ${MAX_JSON_DEPTH} levels deep; flatten it`,
    ]);
  });
});
