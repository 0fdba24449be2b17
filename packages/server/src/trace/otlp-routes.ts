import { gunzipSync } from "node:zlib";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Invalid } from "@promptline/core";
import { type AppEnv, requires } from "../http/auth.js";
import { MAX_INGEST_BYTES } from "../http/limits.js";
import { problems, security } from "../http/openapi.js";
import { decodeOtlpJson, decodeOtlpProtobuf, encodeExportResponse } from "./otlp/decode.js";
import type { TraceService } from "./service.js";

function readBody(bytes: Buffer, encoding: string | undefined): Buffer {
  if (encoding === undefined || encoding === "identity") return bytes;
  if (encoding !== "gzip") {
    throw new Invalid(`Content-Encoding '${encoding}' is not supported: send gzip or no encoding`);
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INGEST_BYTES });
  } catch (error) {
    throw new Invalid(`the gzip body could not be read: ${(error as Error).message}`);
  }
}

/**
 * OTLP/HTTP trace export (`POST /v1/traces`, JSON or protobuf): existing OpenTelemetry GenAI
 * instrumentation sends here unchanged, with the API key in an Authorization header. LLM spans
 * become traces; malformed ones are refused one by one, reported as a partial success.
 */
export function registerOtlpRoutes(app: OpenAPIHono<AppEnv>, traces: TraceService): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/v1/traces",
    tags: ["Traces"],
    security,
    summary: "OTLP/HTTP trace export (application/x-protobuf or application/json, gzip optional)",
    description:
      "Spans with gen_ai.* attributes (OpenTelemetry GenAI semantic conventions, OpenLLMetry) become traces; other spans are skipped. Malformed spans are refused one by one and counted in partialSuccess.rejectedSpans with reasons in errorMessage.",
    responses: {
      200: { description: "ExportTraceServiceResponse, in the request's encoding" },
      ...problems,
    },
  });
  app.post("/v1/traces", requires("trace:write"), async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    const format =
      type === "application/x-protobuf"
        ? "protobuf"
        : type === "application/json"
          ? "json"
          : undefined;
    if (!format) {
      throw new Invalid(
        "send OTLP as 'Content-Type: application/x-protobuf' or 'application/json'",
      );
    }
    const body = readBody(Buffer.from(await c.req.arrayBuffer()), c.req.header("content-encoding"));
    let decoded: ReturnType<typeof decodeOtlpJson>;
    if (format === "protobuf") {
      decoded = decodeOtlpProtobuf(body);
    } else {
      let json: unknown;
      try {
        json = JSON.parse(body.toString("utf8"));
      } catch (error) {
        throw new Invalid(`the body is not JSON: ${(error as Error).message}`);
      }
      decoded = decodeOtlpJson(json);
    }
    const result = await traces.ingest(
      c.get("principal").projectId,
      decoded.traces.map((t) => t.trace),
      "otlp",
    );
    // Rejections of mapped spans refer to positions in the mapped list: report span positions.
    const rejected = [
      ...decoded.rejected,
      ...result.rejected.map((r) => ({ ...r, index: decoded.traces[r.index]?.index ?? r.index })),
    ].sort((a, b) => a.index - b.index);
    // The decoder's reasons name their span already; the schema's do not.
    const messages = rejected
      .slice(0, 20)
      .map((r) =>
        r.reasons
          .map((reason) => (reason.startsWith("span ") ? reason : `span ${r.index}: ${reason}`))
          .join("; "),
      );
    if (rejected.length > 20) messages.push(`… and ${rejected.length - 20} more`);
    if (decoded.ignored > 0) {
      messages.push(
        `${decoded.ignored} span(s) without gen_ai.* attributes were not LLM calls and were skipped`,
      );
    }
    const partial = { rejectedSpans: rejected.length, errorMessage: messages.join("\n") };
    const answer = encodeExportResponse(partial, format);
    if (format === "json") return c.json(answer as object, 200);
    return c.body(new Uint8Array(answer as Uint8Array), 200, {
      "content-type": "application/x-protobuf",
    });
  });
}
