import { type Context, context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { traceInputSchema } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { decodeOtlpJson, decodeOtlpProtobuf, encodeExportResponse } from "./decode.js";
import { ExportTraceServiceResponse } from "./proto.js";

/** Real spans, recorded by the OpenTelemetry SDK the way an instrumented app records them. */
function recordSpans(record: (tracer: ReturnType<BasicTracerProvider["getTracer"]>) => void) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  record(provider.getTracer("acme-genai-instrumentation", "1.4.0"));
  return exporter.getFinishedSpans();
}

function serialized(spans: ReadableSpan[]) {
  const protobufBytes = ProtobufTraceSerializer.serializeRequest(spans);
  const jsonBytes = JsonTraceSerializer.serializeRequest(spans);
  if (!protobufBytes || !jsonBytes) throw new Error("the OTLP serializers produced nothing");
  return { protobufBytes, json: JSON.parse(new TextDecoder().decode(jsonBytes)) as unknown };
}

/** 2023-11-14T22:13:20.123999999Z: a double would round it up to .124. */
const START: [number, number] = [1_700_000_000, 123_999_999];
const END: [number, number] = [1_700_000_001, 623_999_999];

function recordChatAndFailure(): ReadableSpan[] {
  return recordSpans((tracer) => {
    const chat = tracer.startSpan("chat gpt-4o", {
      kind: SpanKind.CLIENT,
      startTime: START,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 30,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.input.messages": JSON.stringify([
          { role: "user", parts: [{ type: "text", content: "Where is my refund?" }] },
        ]),
        "promptline.prompt.name": "support/refund-agent",
        "promptline.prompt.version": 3,
        "promptline.prompt.label": "production",
        "promptline.variant": "b",
        "user.id": "u-42",
        "gen_ai.conversation.id": "conv-7",
        "app.tenant": "acme",
        "app.cached": false,
        "app.retries": 0,
        "app.note": "",
      },
    });
    const parent: Context = trace.setSpan(context.active(), chat);
    const failed = tracer.startSpan(
      "chat claude",
      {
        startTime: [1_700_000_002, 0],
        attributes: {
          "gen_ai.provider.name": "anthropic",
          "gen_ai.request.model": "claude-sonnet-4",
          "langfuse.observation.prompt.name": "support/triage",
          "langfuse.observation.prompt.version": 2,
          "error.type": "RateLimitError",
        },
      },
      parent,
    );
    failed.addEvent("gen_ai.user.message", { content: "Classify this ticket" });
    failed.addEvent("gen_ai.choice", {
      index: 0,
      finish_reason: "error",
      message: JSON.stringify({ role: "assistant", content: "" }),
    });
    failed.setStatus({ code: SpanStatusCode.ERROR, message: "429 rate limited" });
    failed.end([1_700_000_002, 250_000_000]);
    tracer.startSpan("GET /health", { startTime: START }).end(END);
    chat.end(END);
  });
}

describe("decoding what the OpenTelemetry SDK exports", () => {
  const spans = recordChatAndFailure();
  const { protobufBytes, json } = serialized(spans);
  const chatSpan = spans.find((span) => span.name === "chat gpt-4o");
  const chatIds = chatSpan?.spanContext();

  for (const [format, decode] of [
    ["protobuf", () => decodeOtlpProtobuf(protobufBytes)],
    ["json", () => decodeOtlpJson(json)],
  ] as const) {
    it(`maps a GenAI chat span to a trace tagged with its prompt version (${format})`, () => {
      const result = decode();
      expect(result.total).toBe(3);
      expect(result.ignored).toBe(1);
      expect(result.rejected).toEqual([]);
      const chat = result.traces.find(({ trace }) => trace.model === "gpt-4o-2024-08-06");
      expect(chat?.trace).toMatchObject({
        id: `${chatIds?.traceId}-${chatIds?.spanId}`,
        startTime: "2023-11-14T22:13:20.123Z",
        endTime: "2023-11-14T22:13:21.623Z",
        latencyMs: 1500,
        provider: "openai",
        prompt: { name: "support/refund-agent", version: 3, label: "production" },
        variant: "b",
        usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 },
        input: [{ role: "user", parts: [{ type: "text", content: "Where is my refund?" }] }],
        status: "ok",
        userId: "u-42",
        sessionId: "conv-7",
      });
      expect(chat?.trace.error).toBeUndefined();
      expect(chat?.trace.metadata).toMatchObject({
        otel: {
          traceId: chatIds?.traceId,
          spanId: chatIds?.spanId,
          name: "chat gpt-4o",
          kind: "client",
          scope: { name: "acme-genai-instrumentation", version: "1.4.0" },
        },
        operation: "chat",
        request: { temperature: 0.2 },
        finishReasons: ["stop"],
        "app.tenant": "acme",
        "app.cached": false,
        "app.retries": 0,
        "app.note": "",
      });
      expect(chat?.trace.metadata).not.toHaveProperty("gen_ai.usage.input_tokens");
      expect(chat?.trace.metadata).not.toHaveProperty("promptline.prompt.name");
    });

    it(`keeps a failed call as an error trace with its messages from events (${format})`, () => {
      const failed = decode().traces.find(({ trace }) => trace.provider === "anthropic")?.trace;
      expect(failed).toMatchObject({
        model: "claude-sonnet-4",
        prompt: { name: "support/triage", version: 2 },
        status: "error",
        error: "429 rate limited",
        latencyMs: 250,
        input: [{ role: "user", content: "Classify this ticket" }],
        output: [{ role: "assistant", content: "", finish_reason: "error", index: 0 }],
      });
      expect(failed?.metadata).toMatchObject({
        otel: { parentSpanId: chatIds?.spanId },
        "error.type": "RateLimitError",
      });
    });
  }

  it("reads the same traces from protobuf and from JSON", () => {
    expect(decodeOtlpProtobuf(protobufBytes)).toEqual(decodeOtlpJson(json));
  });

  it("produces traces the ingestion schema accepts", () => {
    for (const { trace } of decodeOtlpProtobuf(protobufBytes).traces) {
      expect(traceInputSchema.safeParse(trace).error).toBeUndefined();
    }
  });
});

describe("encodeExportResponse", () => {
  it("encodes a partial success that the OTLP exporter reads back", () => {
    const bytes = encodeExportResponse(
      { rejectedSpans: 2, errorMessage: "span 3: bad" },
      "protobuf",
    );
    const ours = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(bytes), {
      longs: Number,
    });
    expect(ours).toEqual({ partialSuccess: { rejectedSpans: 2, errorMessage: "span 3: bad" } });
    const theirs = ProtobufTraceSerializer.deserializeResponse(bytes);
    expect(Number(theirs.partialSuccess?.rejectedSpans)).toBe(2);
    expect(theirs.partialSuccess?.errorMessage).toBe("span 3: bad");
  });

  it("encodes a full success as the empty message", () => {
    expect(encodeExportResponse({ rejectedSpans: 0, errorMessage: "" }, "protobuf")).toHaveLength(
      0,
    );
    expect(encodeExportResponse({ rejectedSpans: 0, errorMessage: "" }, "json")).toEqual({});
  });

  it("shapes the JSON response as the spec does", () => {
    expect(encodeExportResponse({ rejectedSpans: 1, errorMessage: "span 0: bad" }, "json")).toEqual(
      {
        partialSuccess: { rejectedSpans: 1, errorMessage: "span 0: bad" },
      },
    );
  });
});
