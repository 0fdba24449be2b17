// An OpenAI-compatible upstream that answers every POST /v1/chat/completions after a fixed delay
// (BENCH_DELAY_MS, default 20), like a fast model: the evaluation benchmark's provider. The
// answer echoes the last user message, so scorers have something to look at.
import { createServer } from "node:http";
import { listenOnLoopback } from "./listen.mjs";

const delayMs = Number(process.env.BENCH_DELAY_MS ?? 20);

const server = createServer((req, res) => {
  const parts = [];
  req.on("data", (part) => parts.push(part));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    let question = "";
    try {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8"));
      question = String(body.messages?.filter((m) => m.role === "user").at(-1)?.content ?? "");
    } catch {
      // answered anyway: the figure is the caller's, not this fake's
    }
    const answer = Buffer.from(
      JSON.stringify({
        id: "chatcmpl-eval-bench",
        object: "chat.completion",
        created: 1764259200,
        model: "gpt-4o-mini-2024-07-18",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `echo: ${question}` },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 24, completion_tokens: 8, total_tokens: 32 },
      }),
    );
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json", "content-length": answer.length });
      res.end(answer);
    }, delayMs);
  });
});
listenOnLoopback(server);
