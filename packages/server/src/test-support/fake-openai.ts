/**
 * Fake LLM upstreams as real HTTP servers on loopback, for provider, gateway and benchmark runs.
 * This file holds the fake OpenAI and what every fake shares; fake-anthropic.ts builds on it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read what was sent loosely and assert on it
  body: any;
}

export interface FakeUpstream {
  /** http://127.0.0.1:PORT/v1 for OpenAI, http://127.0.0.1:PORT for Anthropic. */
  url: string;
  requests: RecordedRequest[];
  /**
   * The next `times` requests fail with `status` and `body` (a string is sent as text), or the
   * fake's own error body.
   */
  failNext(times: number, status: number, options?: { retryAfter?: string; body?: unknown }): void;
  /** A pause before each streamed chunk, and before a whole non-streamed answer. */
  setDelay(ms: number): void;
  /** Streams the client hung up on before their end. */
  readonly abandonedStreams: number;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Answer 401 unless this key is sent. */
  requireKey?: string;
  /** False keeps `requests` empty, for benchmarks that send many. */
  record?: boolean;
}

/** How one fake answers a request that is not failed on purpose. */
export interface FakeAnswer {
  /** An error body in the fake provider's shape. */
  errorBody(status: number, message: string): unknown;
  /** Writes the answer: with `stream`, or as `json`. */
  answer(request: RecordedRequest, reply: FakeReply): Promise<void> | void;
}

export interface FakeReply {
  json(status: number, body: unknown, pretty?: boolean): Promise<void>;
  /** Sends SSE events one by one, pausing before each; stops if the client goes away. */
  stream(events: string[]): Promise<void>;
}

/** A fake upstream on 127.0.0.1 with an OS-chosen port; `prefix` is appended to its URL. */
export async function startFakeUpstream(
  prefix: string,
  fake: FakeAnswer,
  options: FakeOptions = {},
): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const failures: { status: number; retryAfter?: string; body?: unknown }[] = [];
  let delayMs = 0;
  let abandonedStreams = 0;

  const reply = (response: ServerResponse): FakeReply => ({
    async json(status, body, pretty = false) {
      if (delayMs > 0) await sleep(delayMs);
      const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
      response.writeHead(status, { "content-type": "application/json" }).end(text);
    },
    async stream(events) {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      // Headers go at once, as real providers send them, so a delay is silence inside the stream.
      response.flushHeaders();
      for (const event of events) {
        if (delayMs > 0) await sleep(delayMs);
        if (response.destroyed) break;
        response.write(event);
      }
      response.end();
    },
  });

  const server = createServer((req, res) => {
    res.on("close", () => {
      if (!res.writableFinished && res.headersSent) abandonedStreams++;
    });
    void handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body: parseBody(await readBody(req)),
    };
    if (options.record !== false) requests.push(request);
    const failure = failures.shift();
    if (failure) {
      const body =
        failure.body ?? fake.errorBody(failure.status, `failed on purpose (${failure.status})`);
      // A string body is sent as it is, like the HTML or text proxies answer with.
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const headers: Record<string, string> = {
        "content-type": typeof body === "string" ? "text/plain" : "application/json",
      };
      if (failure.retryAfter !== undefined) headers["retry-after"] = failure.retryAfter;
      res.writeHead(failure.status, headers).end(text);
      return;
    }
    await fake.answer(request, reply(res));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    failNext(times, status, failureOptions = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, ...failureOptions });
    },
    setDelay(ms) {
      delayMs = ms;
    },
    get abandonedStreams() {
      return abandonedStreams;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  req.setEncoding("utf8");
  for await (const part of req) text += part;
  return text;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The text of OpenAI or Anthropic message content: a string, or text parts/blocks. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { text?: unknown; content?: unknown }) =>
      typeof part?.text === "string" ? part.text : contentText(part?.content),
    )
    .join("");
}

/** Words with their trailing spaces, so that the pieces join back into the text. */
export function pieces(text: string): string[] {
  return text.split(/(?<= )/).filter(Boolean);
}

export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** The deterministic created time of every fake answer. */
export const FAKE_CREATED = 1_700_000_000;

interface ChatRequest {
  model: string;
  messages: { role: string; content: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

/**
 * A fake OpenAI: POST …/chat/completions answers "echo: <last user message>", pretty-printed like
 * the real API; `stream: true` sends a role chunk, the words, a finish chunk and, when asked for,
 * a usage-only chunk, then [DONE]. Any path ending in /chat/completions works (Azure's included).
 */
export function startFakeOpenAI(options: FakeOptions = {}): Promise<FakeUpstream> {
  let answered = 0;
  const errorBody = (status: number, message: string) => ({
    error: { message, type: status === 401 ? "invalid_request_error" : "server_error", code: null },
  });
  return startFakeUpstream(
    "/v1",
    {
      errorBody,
      answer(request, reply) {
        const path = request.path.split("?")[0] ?? "";
        if (request.method !== "POST" || !path.endsWith("/chat/completions")) {
          return reply.json(404, errorBody(404, `no route for ${request.method} ${path}`));
        }
        if (options.requireKey && sentKey(request) !== options.requireKey) {
          // Like the real API, the answer quotes the key it refused.
          return reply.json(
            401,
            errorBody(401, `Incorrect API key provided: ${sentKey(request)}.`),
          );
        }
        const body = request.body as ChatRequest;
        const id = `chatcmpl-fake-${++answered}`;
        const lastUser = body.messages.filter((message) => message.role === "user").at(-1);
        const answer = `echo: ${contentText(lastUser?.content)}`;
        const promptTokens = estimateTokens(
          body.messages.map((message) => contentText(message.content)).join(""),
        );
        const completionTokens = estimateTokens(answer);
        const usage = {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        };
        const envelope = { id, created: FAKE_CREATED, model: body.model };
        if (body.stream !== true) {
          const completion = {
            ...envelope,
            object: "chat.completion",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: answer, refusal: null },
                logprobs: null,
                finish_reason: "stop",
              },
            ],
            usage,
          };
          return reply.json(200, completion, true);
        }
        const withUsage = body.stream_options?.include_usage === true;
        // With include_usage the real API puts `usage: null` on every chunk but the last.
        const chunk = (delta: object, finishReason: string | null) =>
          `data: ${JSON.stringify({
            ...envelope,
            object: "chat.completion.chunk",
            choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
            ...(withUsage ? { usage: null } : {}),
          })}\n\n`;
        const events = [
          chunk({ role: "assistant", content: "", refusal: null }, null),
          ...pieces(answer).map((piece) => chunk({ content: piece }, null)),
          chunk({}, "stop"),
        ];
        if (withUsage) {
          events.push(
            `data: ${JSON.stringify({ ...envelope, object: "chat.completion.chunk", choices: [], usage })}\n\n`,
          );
        }
        events.push("data: [DONE]\n\n");
        return reply.stream(events);
      },
    },
    options,
  );
}

function sentKey(request: RecordedRequest): string | undefined {
  const header = request.headers.authorization ?? request.headers["api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.replace(/^Bearer /, "");
}

/** Reads a provider stream to its end: the items as they came, and the data of every event. */
export async function readChunks(
  chunks: AsyncIterable<string>,
): Promise<{ items: string[]; data: string[] }> {
  const items: string[] = [];
  for await (const item of chunks) items.push(item);
  const data = items
    .join("")
    .split("\n\n")
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ""));
  return { items, data };
}
