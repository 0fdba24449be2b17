// The baseline: a bare node:http server answering every request with the same bytes and headers.
import { createServer } from "node:http";

const body = Buffer.from(process.env.BENCH_BODY ?? "", "utf8");
const headers = JSON.parse(process.env.BENCH_HEADERS ?? "{}");
const server = createServer((_req, res) => {
  res.writeHead(200, { ...headers, "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
