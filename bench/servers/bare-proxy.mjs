// A reference for the gateway benchmark: the least a Node proxy must do for one chat call —
// read and JSON.parse the request, add a system message, POST it upstream with undici (the
// client promptline uses), parse the answer for its usage, send the upstream's bytes back.
// No routing, auth, prompt lookup, validation, metrics or traces: the floor on this machine.
import { createServer } from "node:http";
import { Agent, request } from "undici";
import { listenOnLoopback } from "./listen.mjs";

const upstream = `${process.env.BENCH_UPSTREAM}/v1/chat/completions`;
const agent = new Agent();
const system = {
  role: "system",
  content: "You are a refund agent for Acme. Be polite and precise.",
};
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      body.model = "gpt-4o-mini";
      body.messages = [system, ...body.messages];
      const answer = await request(upstream, {
        method: "POST",
        dispatcher: agent,
        headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
        body: JSON.stringify(body),
      });
      const text = await answer.body.text();
      // Read as the gateway reads it for its trace; sent back so the work is not optimised away.
      const usage = JSON.parse(text).usage;
      res
        .writeHead(answer.statusCode, {
          "content-type": "application/json",
          "x-total-tokens": String(usage?.total_tokens ?? 0),
        })
        .end(text);
    } catch (error) {
      res
        .writeHead(502, { "content-type": "application/json" })
        .end(JSON.stringify({ message: String(error) }));
    }
  });
});
listenOnLoopback(server);
