import { OTLPTraceExporter as OtlpHttpExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
type Loose = Record<string, any>;

type Page = { items: Array<Loose> };

/** Sends spans the way an instrumented application does: SDK → batch processor → exporter. */
async function exportLlmSpans(exporter: SpanExporter, marker: string) {
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer("otlp-test");
  tracer.startActiveSpan("chat gpt-4o-mini", (span) => {
    span.setAttributes({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 30,
      "gen_ai.input.messages": JSON.stringify([{ role: "user", content: `hello ${marker}` }]),
      "promptline.prompt.name": "support/refund-agent",
      "promptline.prompt.version": 3,
      "promptline.prompt.label": "production",
      "user.id": "otel-user",
    });
    span.end();
  });
  tracer.startActiveSpan("GET /orders", (span) => span.end()); // not an LLM call
  await provider.forceFlush();
  await provider.shutdown();
}

describe.each(testEngines())("OTLP/HTTP ingestion (%s)", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.stop());

  it.each([
    ["protobuf", OtlpProtoExporter],
    ["json", OtlpHttpExporter],
  ] as const)(
    "takes GenAI spans from the OpenTelemetry %s exporter unchanged",
    async (format, Exporter) => {
      const exporter = new Exporter({
        url: `${server.url}/v1/traces`,
        headers: { Authorization: `Bearer ${server.adminKey}` },
      });
      await exportLlmSpans(exporter, format);
      const page = await server.call<Page>("GET", "/api/v1/traces?userId=otel-user&limit=10");
      const trace = page.body.items.find(
        (t) => t.metadata.otel?.name === "chat gpt-4o-mini" && t.id,
      );
      expect(trace).toBeDefined();
      const detail = await server.call<Loose>("GET", `/api/v1/traces/${trace?.id}`);
      expect(detail.body).toMatchObject({
        source: "otlp",
        provider: "openai",
        model: "gpt-4o-mini-2024-07-18",
        prompt: { name: "support/refund-agent", version: 3, label: "production" },
        usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 },
        status: "ok",
      });
      expect(detail.body.input).toEqual([{ role: "user", content: `hello ${format}` }]);
      // The dated snapshot is priced as gpt-4o-mini.
      expect(detail.body.cost).toBeCloseTo((120 * 0.15 + 30 * 0.6) / 1e6, 12);
    },
  );

  it("keeps the valid spans of a batch and reports each malformed one", async () => {
    const span = (
      spanId: string,
      attributes: Array<[string, number | string]>,
      end = "2000000000",
    ) => ({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId,
      name: "chat",
      startTimeUnixNano: "1000000000",
      endTimeUnixNano: end,
      attributes: attributes.map(([key, value]) => ({
        key,
        value: typeof value === "number" ? { intValue: String(value) } : { stringValue: value },
      })),
    });
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                span("00f067aa0ba902b7", [["gen_ai.request.model", "gpt-4o"]]),
                span("00f067aa0ba902b8", [["gen_ai.usage.input_tokens", -5]]),
                span("00f067aa0ba902b9", [["gen_ai.request.model", "gpt-4o"]], "500"),
                span("00f067aa0ba902ba", [["http.method", "GET"]]),
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedSpans).toBe(2);
    expect(answer.partialSuccess.errorMessage).toContain("span 1: gen_ai.usage.input_tokens");
    expect(answer.partialSuccess.errorMessage).toMatch(/span 2: .*before/);
    expect(answer.partialSuccess.errorMessage).toContain("1 span(s) without gen_ai.*");
    const stored = await server.call(
      "GET",
      "/api/v1/traces/0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7",
    );
    expect(stored.status).toBe(200);
  });

  it("needs a key and an OTLP content type", async () => {
    const anonymous = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
    const wrongType = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "text/plain" },
      body: "spans",
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { message: string }).message).toContain(
      "application/x-protobuf",
    );
    const garbage = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.adminKey}`,
        "content-type": "application/x-protobuf",
      },
      body: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]),
    });
    expect(garbage.status).toBe(400);
  });
});
