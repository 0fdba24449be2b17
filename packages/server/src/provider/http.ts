import { Agent, type Dispatcher, request } from "undici";
import { ProviderError, type ProviderTarget } from "./types.js";
import { secretsOf, shownProviderText } from "./untrusted.js";

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

/** A transport failure as the caller should see it: a timeout, or an unreachable provider. */
export function transportFailure(
  target: ProviderTarget,
  error: unknown,
  deadline: AttemptDeadline,
): ProviderError {
  const code = (error as { code?: unknown } | null)?.code;
  if (deadline.timedOut || (typeof code === "string" && TIMEOUT_CODES.has(code))) {
    return ProviderError.timedOut(target.name, target.timeoutMs);
  }
  return ProviderError.unreachable(
    target.name,
    shownProviderText(describeCause(error), secretsOf(target)),
  );
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Connecting to a host with several addresses fails with an AggregateError and no message.
  const first = error instanceof AggregateError ? (error.errors[0] as unknown) : undefined;
  if (!error.message && first instanceof Error) return first.message;
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === "string" ? code : error.name);
}
