import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, UnreachableError } from "./errors.js";
import { createApiClient } from "./index.js";
import { Transport } from "./transport.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP server on loopback whose answers each test scripts. */
let handler: Handler;
let seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }>;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    handler(req, res, body);
  });
});
let baseUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const json = (res: ServerResponse, status: number, value: unknown, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
};

describe("the transport", () => {
  it("sends the key, the JSON body and the query, and returns the parsed answer", async () => {
    handler = (_req, res, body) => json(res, 201, { echoed: JSON.parse(body) });
    const http = new Transport({ baseUrl: `${baseUrl}/`, apiKey: "pl_secret" });
    const answer = await http.json("POST", "/api/v1/things", {
      body: { a: 1 },
      query: { limit: 5, skipped: undefined, q: "a b" },
    });
    expect(answer).toEqual({ echoed: { a: 1 } });
    expect(seen[0]?.url).toBe("/api/v1/things?limit=5&q=a+b");
    expect(seen[0]?.headers.authorization).toBe("Bearer pl_secret");
    expect(seen[0]?.headers["content-type"]).toBe("application/json");
  });

  it("without a key, says it is the web client (the cookie session's header)", async () => {
    handler = (_req, res) => json(res, 200, {});
    await new Transport({ baseUrl }).json("GET", "/x");
    expect(seen[0]?.headers["x-promptline-client"]).toBe("web");
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it("turns a problem answer into an ApiError with the server's code, message and details", async () => {
    handler = (_req, res) =>
      json(res, 409, { status: 409, code: "conflict", message: "taken", details: { name: "a" } });
    const error = await new Transport({ baseUrl }).json("GET", "/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "conflict", message: "taken" });
    expect((error as ApiError).details).toEqual({ name: "a" });
  });

  it("describes a failed answer that is not a problem object by its status", async () => {
    handler = (_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    };
    const error = await new Transport({ baseUrl }).json("GET", "/x").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "http_error" });
    expect((error as Error).message).toMatch(/answered 502/);
  });

  it("says a 2xx that is not JSON is unreadable, and 204 is no content", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>");
    };
    await expect(new Transport({ baseUrl }).json("GET", "/x")).rejects.toMatchObject({
      code: "unreadable",
    });
    handler = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    await expect(new Transport({ baseUrl }).json("DELETE", "/x")).resolves.toBeUndefined();
  });

  it("retries 503 and honours Retry-After, and does not retry a 400", async () => {
    let calls = 0;
    handler = (_req, res) => {
      calls++;
      if (calls === 1)
        json(res, 503, { code: "unavailable", message: "busy" }, { "retry-after": "1" });
      else json(res, 200, { ok: true });
    };
    const http = new Transport({ baseUrl, retries: 2, retryDelay: { baseMs: 1, maxMs: 1 } });
    const started = Date.now();
    expect(await http.json("GET", "/x")).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    calls = 0;
    handler = (_req, res) => {
      calls++;
      json(res, 400, { code: "invalid", message: "no" });
    };
    await expect(http.json("GET", "/x")).rejects.toMatchObject({ status: 400 });
    expect(calls).toBe(1);
  });

  it("gives up after its retries with the last answer", async () => {
    handler = (_req, res) => json(res, 500, { code: "internal", message: "boom" });
    const http = new Transport({ baseUrl, retries: 2, retryDelay: { baseMs: 1, maxMs: 1 } });
    await expect(http.json("GET", "/x")).rejects.toMatchObject({ status: 500, message: "boom" });
    expect(seen).toHaveLength(3);
  });

  it("reports a server that does not answer in time, and one that is not there", async () => {
    handler = () => {};
    const slow = new Transport({ baseUrl, timeoutMs: 100 });
    const timedOut = await slow.json("GET", "/x").catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(UnreachableError);
    expect((timedOut as Error).message).toMatch(/did not answer within 100 ms/);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = await new Transport({ baseUrl: `http://127.0.0.1:${port}` })
      .json("GET", "/x")
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(UnreachableError);
    expect((gone as Error).message).toMatch(/cannot reach the promptline server .*ECONNREFUSED/);
  });

  it("gives up at once when Retry-After asks for longer than it waits", async () => {
    handler = (_req, res) => json(res, 503, { message: "later" }, { "retry-after": "3600" });
    const http = new Transport({ baseUrl, retries: 2, maxRetryAfterMs: 1_000 });
    const refused = await http.json("GET", "/x").catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, retryAfterMs: 3_600_000 });
    expect(seen).toHaveLength(1);
  });

  it("repeats a POST only when the server cannot have acted on it", async () => {
    const http = new Transport({ baseUrl, retries: 2, retryDelay: { baseMs: 1, maxMs: 1 } });
    handler = (_req, res) => json(res, 500, { message: "boom" });
    await expect(http.json("POST", "/x", { body: {} })).rejects.toMatchObject({ status: 500 });
    expect(seen).toHaveLength(1);

    seen = [];
    handler = (_req, res) => json(res, seen.length < 2 ? 503 : 201, { ok: true });
    expect(await http.json("POST", "/x", { body: {} })).toEqual({ ok: true });
    expect(seen).toHaveLength(2);

    seen = [];
    handler = () => {};
    const slow = new Transport({ baseUrl, retries: 2, timeoutMs: 100 });
    await expect(slow.json("POST", "/x", { body: {} })).rejects.toBeInstanceOf(UnreachableError);
    expect(seen).toHaveLength(1);
    await expect(slow.json("POST", "/x", { body: {}, idempotent: true })).rejects.toBeInstanceOf(
      UnreachableError,
    );
    expect(seen).toHaveLength(4);
  });

  it("reports an answer whose body stalls as a server that did not answer in time", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    };
    const http = new Transport({ baseUrl, timeoutMs: 200 });
    const stalled = await http.json("GET", "/x").catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(UnreachableError);
    expect((stalled as Error).message).toMatch(/did not answer within 200 ms/);
  });

  it("refuses a server URL that cannot work, never echoing a password", () => {
    expect(() => new Transport({ baseUrl: "localhost:4680" })).toThrow(
      "the server URL must start with http:// or https://, not localhost:",
    );
    expect(() => new Transport({ baseUrl: "127.0.0.1:4680" })).toThrow(
      "'127.0.0.1:4680' is not a URL: give the server as http://host:port",
    );
    const withPassword = () => new Transport({ baseUrl: "http://user:hunter2@127.0.0.1:1" });
    expect(withPassword).toThrow("may not hold a user name or password");
    expect(withPassword).not.toThrow(/hunter2/);
  });

  it("asks conditionally with an ETag and reports 304", async () => {
    handler = (req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304);
        res.end();
      } else json(res, 200, { version: 1 }, { etag: '"v1"' });
    };
    const http = new Transport({ baseUrl });
    expect(await http.conditional("/r", null)).toEqual({
      status: 200,
      body: { version: 1 },
      etag: '"v1"',
    });
    expect(await http.conditional("/r", '"v1"')).toEqual({ status: 304 });
  });
});

describe("the typed API", () => {
  it("encodes prompt names and sends each endpoint's method and path", async () => {
    handler = (_req, res) => json(res, 200, { items: [], nextCursor: null });
    const api = createApiClient({ baseUrl, apiKey: "k" });
    await api.prompts.list({ folder: "support", limit: 2 });
    await api.versions.get("support/refund", 3);
    await api.deployments.rollback("support/refund", { environment: "production" });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /api/v1/prompts?folder=support&limit=2",
      "GET /api/v1/prompts/support%2Frefund/versions/3",
      "POST /api/v1/prompts/support%2Frefund/rollbacks",
    ]);
    expect(JSON.parse(seen[2]?.body ?? "")).toEqual({ environment: "production" });
  });
});
