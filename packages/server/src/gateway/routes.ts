import type { OpenAPIHono } from "@hono/zod-openapi";
import { gatewayRequestSchema } from "@promptline/core";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AppEnv, requires } from "../http/auth.js";
import { jsonBody, problems, security } from "../http/openapi.js";
import { problem, validationProblem } from "../http/problem.js";
import { ProviderError } from "../provider/upstream/types.js";
import type { GatewayService } from "./service.js";

export const TRACE_ID_HEADER = "x-promptline-trace-id";

/**
 * The status a failed provider call is answered with. The caller's own mistakes (a 400 from the
 * provider, a 429) keep theirs; the provider refusing the connection's key is not the caller's
 * key being wrong, so it is a 502 like any other provider failure.
 */
function statusOf(error: ProviderError): ContentfulStatusCode {
  if (error.kind === "timeout") return 504;
  if (error.status === 401 || error.status === 403) return 502;
  if (error.status !== null && error.status >= 400 && error.status < 500) {
    return error.status as ContentfulStatusCode;
  }
  return 502;
}

function providerProblem(c: Context, error: ProviderError) {
  const code =
    error.status === 401 || error.status === 403 ? "provider_auth_failed" : "provider_error";
  if (error.traceId) c.header(TRACE_ID_HEADER, error.traceId);
  return problem(c, statusOf(error), code, error.message, {
    provider: error.provider,
    upstreamStatus: error.status,
    ...(error.upstream.type && { upstreamType: error.upstream.type }),
    ...(error.upstream.code && { upstreamCode: error.upstream.code }),
  });
}

/**
 * `POST /v1/chat/completions`, the OpenAI Chat Completions API: official OpenAI SDKs work by
 * changing their base URL. Answers are the provider's, unchanged in shape, streamed as they come.
 */
export function registerGatewayRoutes(app: OpenAPIHono<AppEnv>, gateway: GatewayService): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/v1/chat/completions",
    tags: ["Gateway"],
    security,
    summary: "OpenAI Chat Completions through a provider connection, with managed prompts",
    description:
      "Name a prompt with `model: \"prompt:NAME[@LABEL|#VERSION]\"`, the `promptline` body field or X-Promptline-* headers; its compiled messages go before the request's and its model config applies. The answer is the provider's, in the OpenAI shape (server-sent chunks with `stream: true`), with its trace id in X-Promptline-Trace-Id.",
    request: { body: jsonBody(gatewayRequestSchema) },
    responses: {
      200: { description: "A chat.completion, or chat.completion.chunk events when streaming" },
      ...problems,
      502: { description: "The provider failed (5xx or unreachable after retries)" },
      504: { description: "The provider did not answer in time" },
    },
  });
  app.post("/v1/chat/completions", requires("gateway:call"), async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return problem(c, 400, "invalid", "the body must be a JSON Chat Completions request");
    }
    const parsed = gatewayRequestSchema.safeParse(raw);
    if (!parsed.success) return validationProblem(c, parsed.error, "json");
    let call: Awaited<ReturnType<GatewayService["complete"]>>;
    try {
      call = await gateway.complete(
        c.get("principal"),
        parsed.data,
        (name) => c.req.header(name),
        c.req.raw.signal,
      );
    } catch (error) {
      if (error instanceof ProviderError) return providerProblem(c, error);
      // The caller hung up (its trace says so): nobody is left to answer, nothing went wrong here.
      if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
      throw error;
    }
    const { response, traceId } = call;
    if (!response.stream) {
      return c.body(response.body, response.status as ContentfulStatusCode, {
        "content-type": "application/json",
        [TRACE_ID_HEADER]: traceId,
      });
    }
    const chunks = response.chunks[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return?.();
      },
    });
    return new Response(body, {
      status: response.status,
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        [TRACE_ID_HEADER]: traceId,
      },
    });
  });
}
