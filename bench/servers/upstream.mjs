// A lean OpenAI-compatible upstream for the gateway benchmark: POST /v1/chat/completions answers
// a fixed small chat.completion with usage, as fast as node:http can. It reads the whole request
// body (a real provider must) but does not parse it: the figure is the gateway's, not this fake's.
import { createServer } from "node:http";
import { listenOnLoopback } from "./listen.mjs";

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench0001",
    object: "chat.completion",
    created: 1764259200,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_bench",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Your refund for order 1234 was issued today; expect it within 5 business days.",
          refusal: null,
        },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 42, completion_tokens: 19, total_tokens: 61 },
  }),
  "utf8",
);
const headers = { "content-type": "application/json", "content-length": completion.length };
const notFound = Buffer.from('{"error":{"message":"not found","type":"invalid_request_error"}}');

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.method === "POST" && req.url === "/v1/chat/completions") {
      res.writeHead(200, headers);
      res.end(completion);
    } else {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(notFound);
    }
  });
});
listenOnLoopback(server);
