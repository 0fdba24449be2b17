// An OpenAI-compatible upstream for the rollout simulation. Every POST /v1/chat/completions is
// answered after 20-60 ms (a fast model); a call whose system message carries "[candidate]" was
// compiled from the rollout's candidate version. POST /mode {"mode":"fail"|"slow"|"healthy"}
// degrades the candidate from that moment: "fail" answers 30 % of its calls 500, "slow" answers
// every one of them 800 ms later than the rest. GET /stats says what the candidate served since the last /mode:
// calls, distinct users (the body's `user`, as the gateway passes it on) and its last call.
import { createServer } from "node:http";
import { listenOnLoopback } from "./listen.mjs";

const SLOW_EXTRA_MS = 800;
const FAIL_SHARE = 0.3;

let mode = "healthy";
let since = Date.now();
let stats = fresh();

function fresh() {
  return { candidateCalls: 0, controlCalls: 0, users: new Set(), lastCandidateAt: null };
}

const answer = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-rollout-bench",
    object: "chat.completion",
    created: 1764259200,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Your refund is on its way." },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 30, completion_tokens: 8, total_tokens: 38 },
  }),
);
const failure = Buffer.from(
  JSON.stringify({ error: { message: "the model could not answer", type: "server_error" } }),
);

function json(res, status, body) {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json", "content-length": text.length });
  res.end(text);
}

const server = createServer((req, res) => {
  const parts = [];
  req.on("data", (part) => parts.push(part));
  req.on("end", () => {
    const text = Buffer.concat(parts).toString("utf8");
    if (req.method === "POST" && req.url === "/mode") {
      mode = JSON.parse(text).mode;
      since = Date.now();
      stats = fresh();
      return json(res, 200, { mode, since });
    }
    if (req.method === "GET" && req.url === "/stats") {
      const { users, ...counts } = stats;
      return json(res, 200, { mode, since, ...counts, candidateUsers: users.size });
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      return json(res, 404, { error: { message: "not found", type: "invalid_request_error" } });
    }
    const body = JSON.parse(text);
    const candidate = body.messages.some(
      (m) => m.role === "system" && String(m.content).includes("[candidate]"),
    );
    if (candidate) {
      stats.candidateCalls += 1;
      stats.users.add(body.user);
      stats.lastCandidateAt = Date.now();
    } else {
      stats.controlCalls += 1;
    }
    const delay = 20 + Math.random() * 40 + (candidate && mode === "slow" ? SLOW_EXTRA_MS : 0);
    setTimeout(() => {
      if (candidate && mode === "fail" && Math.random() < FAIL_SHARE) {
        res.writeHead(500, { "content-type": "application/json" });
        return res.end(failure);
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": answer.length });
      res.end(answer);
    }, delay);
  });
});
listenOnLoopback(server);
