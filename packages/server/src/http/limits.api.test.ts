import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test-support/harness.js";
import { openSse, type SseConnection } from "../test-support/sse.js";

/** A raw connection to the server: what it has answered so far, and whether it was closed. */
interface RawConnection {
  socket: Socket;
  received(): string;
  closed(): boolean;
}

async function rawConnection(server: TestServer, head: string): Promise<RawConnection> {
  const socket = connect(server.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let received = "";
  let closed = false;
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    closed = true;
  });
  if (head) socket.write(head);
  return { socket, received: () => received, closed: () => closed };
}

/** A log that keeps what the server writes, parsed. */
function capturingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "debug" }, sink), lines };
}

const sockets: Socket[] = [];
const feeds: SseConnection[] = [];
let server: TestServer | undefined;

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const feed of feeds.splice(0)) feed.close();
  await server?.stop();
  server = undefined;
});

async function start(
  ...args: Parameters<typeof startTestServer> extends [unknown, ...infer R] ? R : never
) {
  server = await startTestServer("sqlite", ...args);
  return server;
}

async function metric(s: TestServer, name: string): Promise<number> {
  const text = await (
    await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${s.adminKey}` } })
  ).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(" ").at(-1));
}

describe("uploads and slow callers", () => {
  it("refuses a keyless upload before reading its body, and closes its connection", async () => {
    const s = await start();
    const upload = await rawConnection(
      s,
      "POST /api/v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 15000000\r\n\r\n[",
    );
    sockets.push(upload.socket);
    // The 15 MB body never comes: the answer must not wait for it.
    await expect.poll(() => upload.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(upload.received().toLowerCase()).toContain("connection: close");
    await expect.poll(() => upload.closed()).toBe(true);
  });

  it("cuts off a caller that stalls in its headers within the headers timeout", async () => {
    const s = await start(undefined, { headersTimeoutSeconds: 1 });
    const slow = await rawConnection(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    sockets.push(slow.socket);
    await expect.poll(() => slow.closed(), { timeout: 10_000 }).toBe(true);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it("cuts off a known caller whose upload stalls, within the request timeout", async () => {
    const s = await start(undefined, { requestTimeoutSeconds: 1 });
    const slow = await rawConnection(
      s,
      `POST /api/v1/prompts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.adminKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    );
    sockets.push(slow.socket);
    await expect.poll(() => slow.closed(), { timeout: 10_000 }).toBe(true);
  });

  it("logs an upload the caller aborted below error level, and answers the next caller", async () => {
    const { log, lines } = capturingLog();
    const s = await start(undefined, {}, log);
    const aborted = await rawConnection(
      s,
      `POST /api/v1/prompts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.adminKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    aborted.socket.destroy();
    await expect
      .poll(() => lines.some((l) => l.msg === "the client closed the connection"))
      .toBe(true);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect((await s.call("GET", "/api/v1/prompts")).status).toBe(200);
  });
});

describe("large uploads", () => {
  const stalledUpload = (s: TestServer, path: string, key: string) =>
    rawConnection(
      s,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 14000000\r\n\r\n{"model":`,
    );

  it("lets one key send one large body at a time, refusing the next before it is read, on every route", async () => {
    const s = await start();
    const viewer = (await s.call("POST", "/api/v1/api-keys", { name: "app", role: "viewer" })).body
      .key;
    const first = await stalledUpload(s, "/v1/chat/completions", viewer);
    sockets.push(first.socket);
    await expect.poll(() => s.services.uploads.stats.active).toBe(1);
    for (const path of ["/v1/chat/completions", "/api/v1/traces", "/v1/traces"]) {
      const next = await stalledUpload(s, path, viewer);
      sockets.push(next.socket);
      // Answered although its 14 MB never came: nothing waited for the body.
      await expect.poll(() => next.received()).toMatch(/^HTTP\/1\.1 429/);
      expect(next.received()).toMatch(/retry-after: 2/i);
    }
    const other = await s.call("GET", "/api/v1/prompts", undefined, viewer);
    expect(other.status).toBe(200);
  });

  it("holds large bodies past the server's turns unread, and refuses them when the queue is full", async () => {
    const s = await start();
    const keys: string[] = [];
    for (let i = 0; i < 7; i++) {
      keys.push(
        (await s.call("POST", "/api/v1/api-keys", { name: `k${i}`, role: "viewer" })).body.key,
      );
    }
    const uploads = [];
    for (const key of keys) {
      const upload = await stalledUpload(s, "/api/v1/traces", key);
      sockets.push(upload.socket);
      uploads.push(upload);
    }
    await expect.poll(() => s.services.uploads.stats).toEqual({ active: 2, waiting: 4 });
    await expect.poll(() => uploads.at(-1)?.received()).toMatch(/^HTTP\/1\.1 503/);
  });
});

describe("failed authentication", () => {
  it("is answered 429 with Retry-After past the allowance per address, without slowing valid keys", async () => {
    const s = await start(undefined, { authFailuresPerMinute: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await s.call("GET", "/api/v1/prompts", undefined, `pl_wrong_${i}`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const refused = await s.call("GET", "/api/v1/prompts", undefined, "pl_wrong_again");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body.message).toMatch(/too many failed authentications/);
    expect((await s.call("GET", "/api/v1/prompts")).status).toBe(200);
    expect(await metric(s, "promptline_auth_failures_total")).toBe(8);
    expect(await metric(s, 'promptline_limit_refusals_total{limit="auth_failures"}')).toBe(3);
  });

  it("counts failed sign-ins to the web UI too", async () => {
    const s = await start(undefined, { authFailuresPerMinute: 2 });
    const signIn = () =>
      fetch(`${s.url}/api/v1/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ apiKey: "pl_not_a_real_key_0123456789" }),
      }).then((r) => r.status);
    // Asking whether one is signed in (every page load of the web UI) is no failed sign-in.
    for (let i = 0; i < 5; i++) expect((await fetch(`${s.url}/api/v1/session`)).status).toBe(401);
    expect([await signIn(), await signIn(), await signIn()]).toEqual([401, 401, 429]);
  });
});

describe("connection and stream limits", () => {
  it("lets one key hold only so many feed streams, answers 429 past it, and frees a place on close", async () => {
    const s = await start(undefined, { maxStreamsPerKey: 2 });
    const auth = { authorization: `Bearer ${s.adminKey}` };
    const first = await openSse(`${s.url}/api/v1/changes`, auth);
    const second = await openSse(`${s.url}/api/v1/changes`, auth);
    feeds.push(first, second);
    const third = await fetch(`${s.url}/api/v1/changes`, { headers: auth });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("30");
    expect((await third.json()).message).toMatch(/PROMPTLINE_MAX_STREAMS_PER_KEY/);
    expect(await metric(s, "promptline_feed_streams")).toBe(2);
    const viewer = (await s.call("POST", "/api/v1/api-keys", { name: "v", role: "viewer" })).body
      .key;
    const other = await openSse(`${s.url}/api/v1/changes`, { authorization: `Bearer ${viewer}` });
    feeds.push(other);
    expect(other.status).toBe(200);
    first.close();
    await expect.poll(() => metric(s, "promptline_feed_streams")).toBe(2);
    const again = await openSse(`${s.url}/api/v1/changes`, auth);
    feeds.push(again);
    expect(again.status).toBe(200);
  });

  it("lets one client address hold only so many feed streams, whatever the keys", async () => {
    const s = await start(undefined, { maxStreamsPerAddress: 1 });
    const viewer = (await s.call("POST", "/api/v1/api-keys", { name: "v", role: "viewer" })).body
      .key;
    feeds.push(await openSse(`${s.url}/api/v1/changes`, { authorization: `Bearer ${s.adminKey}` }));
    const refused = await fetch(`${s.url}/api/v1/changes`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toMatch(/PROMPTLINE_MAX_STREAMS_PER_ADDRESS/);
  });

  it("answers connections past the cap with 503 and Retry-After, while health checks still answer", async () => {
    const s = await start(undefined, { maxConnections: 16, maxConnectionsPerAddress: 100 });
    for (let i = 0; i < 16; i++) sockets.push((await rawConnection(s, "")).socket);
    const over = await rawConnection(
      s,
      `GET /api/v1/prompts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.adminKey}\r\n\r\n`,
    );
    sockets.push(over.socket);
    await expect.poll(() => over.received()).toMatch(/^HTTP\/1\.1 503/);
    expect(over.received()).toMatch(/retry-after: 5/i);
    expect(over.received()).toContain("PROMPTLINE_MAX_CONNECTIONS");
    const health = await rawConnection(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    sockets.push(health.socket);
    await expect.poll(() => health.received()).toMatch(/^HTTP\/1\.1 200/);
    for (const socket of sockets.splice(0)) socket.destroy();
    // Polling /metrics may itself meet the cap until the server has seen the sockets close.
    await expect
      .poll(() => metric(s, 'promptline_limit_refusals_total{limit="connections"}'))
      .toBeGreaterThanOrEqual(1);
    expect(await metric(s, "promptline_max_connections")).toBe(16);
  });
});

describe("shares of the connection cap", () => {
  it("closes a peer's connections past its share at once, while other peers still connect", async () => {
    const s = await start(undefined, { maxConnectionsPerAddress: 3 });
    const held = [];
    for (let i = 0; i < 3; i++)
      held.push(await rawConnection(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
    sockets.push(...held.map((c) => c.socket));
    const extra = await rawConnection(s, "");
    sockets.push(extra.socket);
    await expect.poll(() => extra.closed()).toBe(true);
    const other = connect({ port: s.port, host: "127.0.0.1", localAddress: "127.0.0.2" });
    sockets.push(other);
    const answer = await new Promise<string>((resolve, reject) => {
      other.once("error", reject);
      other.once("data", (chunk) => resolve(chunk.toString()));
      other.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(held.every((c) => !c.closed())).toBe(true);
  });

  it("lets one key's streams take at most half the connections, whatever its stream setting", async () => {
    const s = await start(undefined, { maxConnections: 16, maxConnectionsPerAddress: 100 });
    const auth = { authorization: `Bearer ${s.adminKey}` };
    for (let i = 0; i < 8; i++) feeds.push(await openSse(`${s.url}/api/v1/changes`, auth));
    const ninth = await fetch(`${s.url}/api/v1/changes`, { headers: auth });
    expect(ninth.status).toBe(429);
    expect((await ninth.json()).message).toMatch(/8 open streams/);
  });
});

describe("access log", () => {
  it("records method, path, status, duration and key id, never the key or the query", async () => {
    const { log, lines } = capturingLog();
    const s = await start(undefined, { accessLog: "on" }, log);
    await s.call("GET", "/api/v1/prompts?q=secret-term");
    await s.call("GET", "/api/v1/prompts", undefined, "pl_wrong_key_0123456789");
    await expect.poll(() => lines.filter((l) => l.msg === "request").length).toBe(2);
    const [ok, refused] = lines.filter((l) => l.msg === "request");
    expect(ok).toMatchObject({ method: "GET", path: "/api/v1/prompts", status: 200 });
    expect(typeof ok?.keyId).toBe("string");
    expect(typeof ok?.ms).toBe("number");
    expect(refused).toMatchObject({ status: 401 });
    const written = JSON.stringify(lines);
    expect(written).not.toContain(s.adminKey);
    expect(written).not.toContain("pl_wrong_key");
    expect(written).not.toContain("secret-term");
  });

  it("names the key of prompt resolutions answered from memory too", async () => {
    const { log, lines } = capturingLog();
    const s = await start(undefined, { accessLog: "on" }, log);
    await s.call("POST", "/api/v1/prompts", { name: "logged", type: "text" });
    await s.call("POST", "/api/v1/prompts/logged/versions", {
      commitMessage: "a",
      content: { type: "text", text: "hi" },
    });
    await s.call("POST", "/api/v1/prompts/logged/deployments", {
      environment: "production",
      version: 1,
    });
    // The first resolution loads and caches; the second is answered before the framework.
    for (let i = 0; i < 2; i++) {
      expect((await s.call("GET", "/api/v1/client/prompts/logged?label=production")).status).toBe(
        200,
      );
    }
    const resolved = () => lines.filter((l) => l.path === "/api/v1/client/prompts/logged");
    await expect.poll(() => resolved().length).toBe(2);
    expect(resolved().map((l) => typeof l.keyId)).toEqual(["string", "string"]);
  });

  it("is off unless asked for", async () => {
    const { log, lines } = capturingLog();
    const s = await start(undefined, {}, log);
    await s.call("GET", "/api/v1/prompts");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(lines.filter((l) => l.msg === "request")).toEqual([]);
  });
});
