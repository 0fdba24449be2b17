import { Invalid } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { decodeOtlpJson, decodeOtlpProtobuf, type OtlpDecodeResult } from "./decode.js";

// OTLP/JSON written by hand, as a client without the OpenTelemetry SDK sends it.
const TRACE_ID = "5B8EFFF798038103D269B633813FC60C";
const T0 = "1700000000000000000";
const T1 = "1700000000750000000";

type Attribute = { key: string; value: Record<string, unknown> };
const str = (key: string, value: string): Attribute => ({ key, value: { stringValue: value } });
const int = (key: string, value: number | string): Attribute => ({
  key,
  value: { intValue: value },
});

function span(spanId: string, attributes: Attribute[], overrides: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId,
    name: "llm call",
    kind: 3,
    startTimeUnixNano: T0,
    endTimeUnixNano: T1,
    attributes,
    status: {},
    ...overrides,
  };
}

function exportOf(...scopes: Array<Array<ReturnType<typeof span>>>) {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [str("service.name", "checkout"), str("gen_ai.system", "openai")],
        },
        scopeSpans: scopes.map((spans) => ({
          scope: { name: "opentelemetry.instrumentation.openai" },
          spans,
        })),
      },
    ],
  };
}

function reasonsOf(result: OtlpDecodeResult, index: number): string[] {
  return result.rejected.find((rejection) => rejection.index === index)?.reasons ?? [];
}

describe("decoding hand-written OTLP/JSON", () => {
  const mixed = decodeOtlpJson(
    exportOf(
      [
        span("00f067aa0ba902b7", [
          str("gen_ai.request.model", "gpt-4o-mini"),
          int("gen_ai.usage.input_tokens", "42"),
        ]),
        span("00f067aa0ba902b8", [str("http.route", "/health")]),
        span("00f067aa0ba902b9", [str("gen_ai.request.model", "gpt-4o")], { traceId: "abc123" }),
        span("00f067aa0ba902ba", [str("gen_ai.request.model", "gpt-4o")], {
          startTimeUnixNano: T1,
          endTimeUnixNano: T0,
        }),
        span("00f067aa0ba902bb", [int("gen_ai.usage.input_tokens", -5)]),
      ],
      [
        span("00f067aa0ba902bc", [
          str("llm.request.type", "chat"),
          str("gen_ai.prompt.0.role", "system"),
          str("gen_ai.prompt.0.content", "You are terse."),
          str("gen_ai.prompt.1.role", "user"),
          str("gen_ai.prompt.1.content", "Hi"),
          str("gen_ai.completion.0.role", "assistant"),
          str("gen_ai.completion.0.content", "Hello."),
          int("llm.usage.total_tokens", 17),
        ]),
      ],
    ),
  );

  it("keeps valid GenAI spans, skips other spans and rejects broken ones by index", () => {
    expect(mixed.total).toBe(6);
    expect(mixed.ignored).toBe(1);
    expect(mixed.traces.map(({ index }) => index)).toEqual([0, 5]);
    expect(mixed.rejected.map(({ index }) => index)).toEqual([2, 3, 4]);
  });

  it("takes service-level defaults from the resource and lowercases hex ids", () => {
    expect(mixed.traces[0]?.trace).toMatchObject({
      id: "5b8efff798038103d269b633813fc60c-00f067aa0ba902b7",
      provider: "openai",
      model: "gpt-4o-mini",
      usage: { inputTokens: 42 },
      startTime: "2023-11-14T22:13:20.000Z",
      latencyMs: 750,
      metadata: { "service.name": "checkout", otel: { kind: "client" } },
    });
  });

  it("explains each rejection with the field to fix", () => {
    expect(reasonsOf(mixed, 2)).toEqual([
      'span 2: traceId must be 16 bytes (32 hex characters), as hex in OTLP/JSON (got "abc123")',
    ]);
    expect(reasonsOf(mixed, 3)).toEqual([
      `span 3: endTimeUnixNano (${T0}) is before startTimeUnixNano (${T1})`,
    ]);
    expect(reasonsOf(mixed, 4)).toEqual([
      "span 4: gen_ai.usage.input_tokens must be a non-negative integer (got -5)",
    ]);
    expect(mixed.rejected.find(({ index }) => index === 4)?.id).toBe(
      "5b8efff798038103d269b633813fc60c-00f067aa0ba902bb",
    );
  });

  it("rebuilds OpenLLMetry's indexed prompt and completion attributes into messages", () => {
    expect(mixed.traces[1]?.trace).toMatchObject({
      input: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hi" },
      ],
      output: [{ role: "assistant", content: "Hello." }],
      usage: { totalTokens: 17 },
      metadata: { operation: "chat" },
    });
    expect(mixed.traces[1]?.trace.metadata).not.toHaveProperty("gen_ai.prompt.0.role");
  });

  it("parses gen_ai.input/output.messages and puts system instructions first", () => {
    const result = decodeOtlpJson(
      exportOf([
        span("00f067aa0ba902b7", [
          str("gen_ai.system_instructions", '[{"type":"text","content":"Be kind."}]'),
          str(
            "gen_ai.input.messages",
            '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]',
          ),
          {
            key: "gen_ai.output.messages",
            value: {
              arrayValue: {
                values: [
                  {
                    kvlistValue: {
                      values: [str("role", "assistant"), str("finish_reason", "stop")],
                    },
                  },
                ],
              },
            },
          },
        ]),
      ]),
    );
    expect(result.traces[0]?.trace.input).toEqual([
      { role: "system", parts: [{ type: "text", content: "Be kind." }] },
      { role: "user", parts: [{ type: "text", content: "Hi" }] },
    ]);
    expect(result.traces[0]?.trace.output).toEqual([{ role: "assistant", finish_reason: "stop" }]);
  });

  it("reads messages carried by an inference operation details event", () => {
    const result = decodeOtlpJson(
      exportOf([
        span("00f067aa0ba902b7", [str("gen_ai.operation.name", "chat")], {
          events: [
            {
              name: "gen_ai.client.inference.operation.details",
              timeUnixNano: T1,
              attributes: [str("gen_ai.output.messages", '[{"role":"assistant","parts":[]}]')],
            },
          ],
        }),
      ]),
    );
    expect(result.traces[0]?.trace.output).toEqual([{ role: "assistant", parts: [] }]);
  });

  it("rejects unparseable message JSON, a bad prompt version and a missing start time", () => {
    const result = decodeOtlpJson(
      exportOf([
        span(
          "00f067aa0ba902b7",
          [
            str("gen_ai.input.messages", "[{role: user}]"),
            str("promptline.prompt.name", "support/refund-agent"),
            { key: "promptline.prompt.version", value: { doubleValue: 1.5 } },
          ],
          { startTimeUnixNano: "0" },
        ),
      ]),
    );
    const reasons = reasonsOf(result, 0);
    expect(reasons).toHaveLength(3);
    expect(reasons).toEqual(
      expect.arrayContaining([
        "span 0: startTimeUnixNano is missing or zero; set the span's start time",
        expect.stringMatching(/^span 0: gen_ai\.input\.messages is not valid JSON \(/),
        "span 0: promptline.prompt.version must be a positive integer (got 1.5)",
      ]),
    );
    expect(result.traces).toEqual([]);
  });

  it("reads the error from error.type when the status has no message", () => {
    const result = decodeOtlpJson(
      exportOf([
        span("00f067aa0ba902b7", [str("gen_ai.system", "openai"), str("error.type", "timeout")], {
          status: { code: "STATUS_CODE_ERROR" },
        }),
      ]),
    );
    expect(result.traces[0]?.trace).toMatchObject({ status: "error", error: "timeout" });
  });

  it("keeps 64-bit integers beyond 2^53 exact as strings in metadata", () => {
    const result = decodeOtlpJson(
      exportOf([
        span("00f067aa0ba902b7", [
          str("gen_ai.system", "openai"),
          int("app.big", "9007199254740993"),
        ]),
      ]),
    );
    expect(result.traces[0]?.trace.metadata?.["app.big"]).toBe("9007199254740993");
  });
});

describe("requests that are not OTLP trace exports", () => {
  it.each([
    ["null", null],
    ["a string", "resourceSpans"],
    ["an object without resourceSpans", { spans: [] }],
    ["resourceSpans that is not an array", { resourceSpans: {} }],
    ["spans that is not an array", { resourceSpans: [{ scopeSpans: [{ spans: 3 }] }] }],
  ])("throws Invalid for %s", (_, body) => {
    expect(() => decodeOtlpJson(body)).toThrow(Invalid);
  });

  it("says to use camelCase when the JSON uses snake_case", () => {
    expect(() => decodeOtlpJson({ resource_spans: [] })).toThrow(
      /resourceSpans, not resource_spans/,
    );
  });

  it("throws Invalid for bytes that are not an ExportTraceServiceRequest", () => {
    // Field 1, length-delimited, claims 255 bytes but none follow.
    expect(() => decodeOtlpProtobuf(new Uint8Array([0x0a, 0xff, 0x01]))).toThrow(Invalid);
  });
});
