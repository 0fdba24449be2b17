// The ingestion baseline: a bare node:http server that reads a trace batch, JSON.parses it and
// answers in promptline's shape ({accepted, ids, rejected}) without validating or storing it.
import { createServer } from "node:http";
import { listenOnLoopback } from "./listen.mjs";

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    let traces;
    try {
      traces = JSON.parse(Buffer.concat(chunks).toString("utf8")).traces;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"message":"bad JSON"}');
      return;
    }
    const body = JSON.stringify({
      accepted: traces.length,
      ids: traces.map((t) => t.id),
      rejected: [],
    });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
});
listenOnLoopback(server);
