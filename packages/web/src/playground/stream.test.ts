import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Transport } from "@promptline/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunState, streamCompletion } from "./stream.js";

type Handler = (res: ServerResponse) => Promise<void>;

/** A gateway on loopback whose answer each test scripts, piece by piece. */
let handler: Handler;
let seen: Array<{ headers: IncomingMessage["headers"]; body: string }>;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    seen.push({ headers: req.headers, body });
    void handler(res);
  });
});
let http: Transport;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  http = new Transport({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

/** Answers with an event stream written in these pieces, a moment apart, so they arrive apart. */
function streams(pieces: string[]): Handler {
  return async (res) => {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "x-promptline-trace-id": "tr_stream",
    });
    for (const piece of pieces) {
      res.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    res.end();
  };
}

const content = (text: string) => JSON.stringify({ choices: [{ delta: { content: text } }] });

async function run(): Promise<{ final: RunState; updates: RunState[] }> {
  const updates: RunState[] = [];
  const final = await streamCompletion(
    http,
    { model: "prompt:greeter@production", messages: [{ role: "user", content: "Hi" }] },
    (state) => updates.push(state),
    new AbortController().signal,
  );
  return { final, updates };
}

describe("a playground run's stream", () => {
  it("puts together events split across chunks and several to a chunk, up to [DONE]", async () => {
    const hello = `data: ${content("Hello")}\n\n`;
    handler = streams([
      hello.slice(0, 20),
      `${hello.slice(20)}data: ${content(", ")}\n\ndata: ${content("Ada")}\n`,
      `\n: keep-alive\n\ndata: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } })}\n\n`,
      "data: [DONE]\n\n",
    ]);
    const { final, updates } = await run();

    expect(final).toMatchObject({
      status: "done",
      output: "Hello, Ada",
      traceId: "tr_stream",
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    expect(final.latencyMs).toBeGreaterThanOrEqual(final.firstTokenMs ?? Number.NaN);
    expect(updates.map((u) => u.output)).toContain("Hello");
    expect(seen[0]?.headers["x-promptline-client"]).toBe("web");
    expect(JSON.parse(seen[0]?.body ?? "")).toMatchObject({
      model: "prompt:greeter@production",
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])(
    "reads an event whose data spans several lines as one event, with %s line ends",
    async (_name, end) => {
      handler = streams([
        `data: {"choices": [{"delta":${end}data:   {"content": "one event"}}]}${end}${end}`,
        `data: [DONE]${end}${end}`,
      ]);
      const { final } = await run();
      expect(final).toMatchObject({ status: "done", output: "one event" });
    },
  );

  it("ends in error at the gateway's error event, keeping what was written before it", async () => {
    const failure = "provider 'local' reported an error in its stream";
    handler = streams([
      `data: ${content("partial")}\n\n`,
      `data: ${JSON.stringify({ error: { message: failure, type: "provider_error" } })}\n\n`,
    ]);
    const { final } = await run();
    expect(final).toMatchObject({ status: "error", error: failure, output: "partial" });
  });

  it("ends in error with the server's words when the run is refused", async () => {
    handler = async (res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ status: 404, code: "not_found", message: "prompt 'greeter' not found" }),
      );
    };
    const { final } = await run();
    expect(final).toMatchObject({ status: "error", error: "prompt 'greeter' not found" });
  });
});
