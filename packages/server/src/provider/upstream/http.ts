import { Agent, type Dispatcher, request } from "undici";
import { ProviderError, type ProviderTarget } from "./types.js";

/**
 * One keep-alive pool for every provider call, so connections are reused across requests. Its
 * default idle timeout (4 s, or less when the server hints so) stays below common server timeouts,
 * so a pooled connection is rarely found closed by the other side.
 */
const agent = new Agent();

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** `path` appended to the base URL's path, keeping its query string (Azure's api-version). */
export function endpointUrl(baseUrl: string, path: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  url.hash = "";
  return url.href;
}

/**
 * The cancellation of one attempt: the caller's signal, plus a timer that aborts when the provider
 * is too slow. A plain timer rather than AbortSignal.timeout, so it is freed as soon as the attempt
 * ends instead of lingering for the whole timeout on a hot path.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  timedOut = false;

  constructor(
    timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error("provider timeout"));
    }, timeoutMs);
    callerSignal?.addEventListener("abort", this.forwardCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelledByCaller(): boolean {
    return this.callerSignal?.aborted === true;
  }

  /** The response started streaming: from here the body timeout bounds the gaps. */
  stopTimer(): void {
    clearTimeout(this.timer);
  }

  release(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.forwardCallerAbort);
  }

  private readonly forwardCallerAbort = () => this.controller.abort(this.callerSignal?.reason);
}

export function postJson(
  upstream: UpstreamRequest,
  deadline: AttemptDeadline,
  timeoutMs: number,
): Promise<Dispatcher.ResponseData> {
  return request(upstream.url, {
    method: "POST",
    headers: upstream.headers,
    body: upstream.body,
    dispatcher: agent,
    signal: deadline.signal,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** An answer past the size the server holds in memory. */
export class AnswerTooLarge extends Error {
  constructor(readonly max: number) {
    super(`its answer is over the ${max} byte limit`);
    this.name = "AnswerTooLarge";
  }
}

/** A transport failure as the caller should see it: a timeout, an answer too large, or an unreachable provider. */
export function transportFailure(
  target: ProviderTarget,
  error: unknown,
  deadline: AttemptDeadline,
): ProviderError {
  if (error instanceof AnswerTooLarge) return ProviderError.tooLarge(target.name, error.max);
  const code = (error as { code?: unknown } | null)?.code;
  if (deadline.timedOut || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
    return ProviderError.timedOut(target.name, target.timeoutMs);
  }
  return ProviderError.unreachable(target.name, describeCause(error));
}

/**
 * The cause by its error code (ECONNREFUSED, UND_ERR_SOCKET, CERT_HAS_EXPIRED …), never its
 * message: the messages of TLS and parser errors quote what the other side sent.
 */
function describeCause(error: unknown): string {
  // Connecting to a host with several addresses fails with an AggregateError of the attempts.
  const first = error instanceof AggregateError ? (error.errors[0] as unknown) : undefined;
  const code = [error, first]
    .map((candidate) => (candidate as { code?: unknown } | null | undefined)?.code)
    .find((value) => typeof value === "string" && /^[A-Z0-9_]{1,64}$/.test(value));
  return (code as string | undefined) ?? "the connection failed";
}
