import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Connections past the cap that are still accepted, to be answered 503 instead of dropped. */
const ANSWERED_PAST_CAP = 100;
const RETRY_AFTER_SECONDS = 5;
/** Health checks are answered at capacity: a load balancer must still see the server alive. */
const ALWAYS_ANSWERED = new Set(["/healthz", "/readyz"]);

const overCap = new WeakSet<Socket>();

/**
 * Caps the connections the server holds open, below what the process may open (file
 * descriptors), so the database, files and health checks always have room. Requests on a
 * connection accepted past the cap get a 503 with Retry-After and the connection is closed;
 * past that margin Node refuses new connections outright. One peer address may hold only a
 * share of the cap: past it, its new connections are closed at once, before they can send (or
 * stall in) their headers.
 */
export class ConnectionLimit {
  open = 0;
  refused = 0;
  private readonly byPeer = new Map<string, number>();

  /** `perPeer` undefined: no cap per peer (behind a proxy every connection comes from it). */
  constructor(
    readonly max: number,
    readonly perPeer: number | undefined,
  ) {}

  attach(server: Server): void {
    server.maxConnections = this.max + ANSWERED_PAST_CAP;
    server.on("connection", (socket: Socket) => {
      const peer = socket.remoteAddress ?? "";
      const held = this.byPeer.get(peer) ?? 0;
      if (this.perPeer !== undefined && held >= this.perPeer) {
        this.refused++;
        socket.destroy();
        return;
      }
      this.byPeer.set(peer, held + 1);
      this.open++;
      if (this.open > this.max) overCap.add(socket);
      socket.once("close", () => {
        this.open--;
        const left = (this.byPeer.get(peer) ?? 1) - 1;
        if (left > 0) this.byPeer.set(peer, left);
        else this.byPeer.delete(peer);
      });
    });
  }

  /** Answers a request on a connection past the cap with a 503; true when it did. */
  refuse(req: IncomingMessage, res: ServerResponse): boolean {
    if (!overCap.has(req.socket) || ALWAYS_ANSWERED.has(req.url ?? "")) return false;
    this.refused++;
    const body = JSON.stringify({
      status: 503,
      code: "unavailable",
      message: `the server holds its maximum of ${this.max} connections (PROMPTLINE_MAX_CONNECTIONS); try again shortly`,
    });
    res.writeHead(503, {
      "content-type": "application/problem+json",
      "content-length": Buffer.byteLength(body),
      "retry-after": String(RETRY_AFTER_SECONDS),
      connection: "close",
    });
    res.end(body);
    return true;
  }
}
