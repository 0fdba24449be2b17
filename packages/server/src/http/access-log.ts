import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { requestKeyIds } from "./auth.js";

export interface AccessEntry {
  method: string;
  /** Without the query string, which may carry user data. */
  path: string;
  status: number;
  ms: number;
  /** The API key's id, never the key. */
  keyId?: string | undefined;
  address: string;
}

/** Entries held at most between writes; past that they are counted as dropped, not kept. */
const MAX_PENDING = 10_000;
const FLUSH_MS = 200;

/**
 * The access log, off the request path: a request only appends its entry; a timer writes the
 * pending entries through the logger a few times a second.
 */
export class AccessLog {
  private pending: AccessEntry[] = [];
  private readonly timer: NodeJS.Timeout;
  dropped = 0;

  constructor(private readonly log: Logger) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(entry: AccessEntry): void {
    if (this.pending.length >= MAX_PENDING) this.dropped++;
    else this.pending.push(entry);
  }

  flush(): void {
    const entries = this.pending;
    this.pending = [];
    for (const entry of entries) this.log.info(entry, "request");
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** The path of a request target, without its query string. */
export function pathOf(url: string | undefined): string {
  const target = url ?? "/";
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}

/** Records a request in the access log once its answer is sent (or the caller hung up). */
export function logAccess(
  accessLog: AccessLog,
  req: IncomingMessage,
  res: ServerResponse,
  addressOf: (req: IncomingMessage) => string,
): void {
  const started = performance.now();
  res.once("close", () => {
    accessLog.record({
      method: req.method ?? "",
      path: pathOf(req.url),
      status: res.writableFinished ? res.statusCode : 499,
      ms: Math.round((performance.now() - started) * 10) / 10,
      keyId: requestKeyIds.get(req),
      address: addressOf(req),
    });
  });
}
