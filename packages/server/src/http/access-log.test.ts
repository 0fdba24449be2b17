import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { type AccessEntry, AccessLog, logAccess, pathOf } from "./access-log.js";

/** A logger whose entries land in `lines`. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const log: Logger = pino(
    { base: undefined, timestamp: false },
    {
      write: (line: string) => lines.push(JSON.parse(line)),
    },
  );
  return { log, lines };
}

const entry = (path: string): AccessEntry => ({
  method: "GET",
  path,
  status: 200,
  ms: 1,
  address: "10.0.0.7",
});

describe("the access log", () => {
  it("writes entries off the request path, a few times a second, and all that are pending on close", async () => {
    vi.useFakeTimers();
    try {
      const { log, lines } = capture();
      const accessLog = new AccessLog(log);
      accessLog.record(entry("/a"));
      expect(lines).toEqual([]);
      await vi.advanceTimersByTimeAsync(200);
      expect(lines.map((line) => [line.msg, line.path])).toEqual([["request", "/a"]]);
      accessLog.record(entry("/b"));
      accessLog.close();
      expect(lines.map((line) => line.path)).toEqual(["/a", "/b"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("holds at most 10,000 entries between writes, counting the rest as dropped", () => {
    const { log, lines } = capture();
    const accessLog = new AccessLog(log);
    for (let i = 0; i < 10_003; i++) accessLog.record(entry(`/${i}`));
    accessLog.close();
    expect(lines).toHaveLength(10_000);
    expect(accessLog.dropped).toBe(3);
  });

  it("names paths without their query string", () => {
    expect(pathOf("/api/v1/prompts?name=secret")).toBe("/api/v1/prompts");
    expect(pathOf("/healthz")).toBe("/healthz");
    expect(pathOf(undefined)).toBe("/");
  });

  it("records a request the caller hung up on before its answer as 499", async () => {
    const { log, lines } = capture();
    const accessLog = new AccessLog(log);
    let arrived: () => void = () => {};
    const seen = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = createServer((req, res) => {
      logAccess(accessLog, req, res, (r: IncomingMessage) => r.socket.remoteAddress ?? "");
      if (req.url?.startsWith("/slow")) arrived();
      else res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await fetch(`http://127.0.0.1:${port}/fast?key=secret`).then((r) => r.text());
      const slow = request({ port, host: "127.0.0.1", path: "/slow" });
      slow.on("error", () => {});
      slow.end();
      await seen;
      slow.destroy();
      await vi.waitFor(() => {
        accessLog.flush();
        expect(lines.map((line) => [line.path, line.status])).toEqual([
          ["/fast", 200],
          ["/slow", 499],
        ]);
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      accessLog.close();
    }
  });
});
