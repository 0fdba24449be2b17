import {
  contentText,
  estimateTokens,
  type FakeOptions,
  type FakeUpstream,
  pieces,
  type RecordedRequest,
  startFakeUpstream,
} from "./fake-openai.js";

interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: string;
  messages: { role: string; content: unknown }[];
  tools?: { name: string }[];
  tool_choice?: { type: string };
  stream?: boolean;
}

type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

const errorBody = (status: number, message: string) => ({
  type: "error",
  error: {
    type:
      status === 401 ? "authentication_error" : status === 529 ? "overloaded_error" : "api_error",
    message,
  },
});

/**
 * A fake Anthropic Messages API: POST /v1/messages in the real wire format, plain or streamed
 * (message_start … message_stop). It answers "echo: <last user text or tool result>", or, when
 * tools are offered and no tool result came back yet, calls the first tool with {"query": <text>}.
 * An answer longer than max_tokens is cut, with stop_reason max_tokens.
 */
export function startFakeAnthropic(options: FakeOptions = {}): Promise<FakeUpstream> {
  let answered = 0;
  return startFakeUpstream(
    "",
    {
      errorBody,
      answer(request, reply) {
        if (request.method !== "POST" || request.path !== "/v1/messages") {
          return reply.json(404, errorBody(404, `no route for ${request.method} ${request.path}`));
        }
        const problem = authenticationProblem(request, options.requireKey);
        if (problem) return reply.json(401, errorBody(401, problem));
        answered++;
        const body = request.body as MessagesRequest;
        const answer = answerFor(body, answered);
        const message = {
          id: `msg_fake_${answered}`,
          type: "message",
          role: "assistant",
          model: body.model,
          content: answer.blocks,
          stop_reason: answer.stopReason,
          stop_sequence: null,
          usage: { input_tokens: answer.inputTokens, output_tokens: answer.outputTokens },
        };
        if (body.stream !== true) return reply.json(200, message);
        return reply.stream(streamEvents(message));
      },
    },
    options,
  );
}

function authenticationProblem(request: RecordedRequest, requireKey?: string): string | undefined {
  const key = request.headers["x-api-key"];
  if (!key) return "x-api-key header is required";
  if (requireKey !== undefined && key !== requireKey) return "invalid x-api-key";
  if (!request.headers["anthropic-version"]) return "anthropic-version header is required";
  return undefined;
}

function answerFor(body: MessagesRequest, answered: number) {
  const last = body.messages.at(-1);
  const lastText = contentText(last?.content);
  const gotToolResult =
    Array.isArray(last?.content) &&
    last.content.some((block: { type?: string }) => block.type === "tool_result");
  const tool = body.tool_choice?.type === "none" ? undefined : body.tools?.[0];
  const inputTokens = estimateTokens(
    (body.system ?? "") + body.messages.map((message) => contentText(message.content)).join(""),
  );
  if (tool && !gotToolResult) {
    const text = `Let me call ${tool.name}.`;
    const blocks: Block[] = [
      { type: "text", text },
      {
        type: "tool_use",
        id: `toolu_fake_${answered}`,
        name: tool.name,
        input: { query: lastText },
      },
    ];
    return { blocks, stopReason: "tool_use", inputTokens, outputTokens: estimateTokens(text) + 10 };
  }
  const full = `echo: ${lastText}`;
  const cut = estimateTokens(full) > body.max_tokens;
  const text = cut ? full.slice(0, body.max_tokens * 4) : full;
  const blocks: Block[] = [{ type: "text", text }];
  return {
    blocks,
    stopReason: cut ? "max_tokens" : "end_turn",
    inputTokens,
    outputTokens: estimateTokens(text),
  };
}

function streamEvents(message: {
  content: Block[];
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
}): string[] {
  const event = (type: string, data: object) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    event("message_start", {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { input_tokens: message.usage.input_tokens, output_tokens: 1 },
      },
    }),
  ];
  message.content.forEach((block, index) => {
    if (block.type === "text") {
      events.push(
        event("content_block_start", { index, content_block: { type: "text", text: "" } }),
      );
      if (index === 0) events.push(event("ping", {}));
      for (const text of pieces(block.text)) {
        events.push(event("content_block_delta", { index, delta: { type: "text_delta", text } }));
      }
    } else {
      events.push(event("content_block_start", { index, content_block: { ...block, input: {} } }));
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const partial_json of [json.slice(0, half), json.slice(half)]) {
        events.push(
          event("content_block_delta", {
            index,
            delta: { type: "input_json_delta", partial_json },
          }),
        );
      }
    }
    events.push(event("content_block_stop", { index }));
  });
  events.push(
    event("message_delta", {
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: message.usage.output_tokens },
    }),
    event("message_stop", {}),
  );
  return events;
}
