import {
  ApiError,
  backoff,
  SseOverflowError,
  sleep,
  sseEvents,
  type Transport,
  UnreachableError,
} from "@promptline/client";
import type { ChangeEvent } from "@promptline/core";

/** A stream that stays up this long counts as healthy again (resets the reconnection backoff). */
const HEALTHY_STREAM_MS = 30_000;
/** The longest wait between reconnections while the feed keeps failing. */
const MAX_DELAY_MS = 10_000;
/** …and after a server without a feed, or one that refuses this key: not asked again soon. */
const REFUSED_MAX_DELAY_MS = 5 * 60_000;

export interface FeedOptions {
  /** How long to wait for the feed's answer to a connection. */
  connectTimeoutMs: number;
  /** A connection that sends nothing (not even a heartbeat) for this long is dropped. */
  idleTimeoutMs: number;
  /** Ends the feed for good. */
  lifetime: AbortSignal;
}

export interface FeedHooks {
  /** The feed is open: the registry is reachable. */
  opened: () => void;
  /** Changes were missed and cannot be replayed (first connection, or a `reset` event). */
  missed: () => void;
  change: (event: ChangeEvent) => void;
  /** A connection could not be opened. */
  unreachable: () => void;
  report: (error: unknown) => void;
}

/**
 * The change-feed subscription: one connection kept open, resumed by event id after a drop,
 * reconnecting with backoff and jitter — no sooner than the server's `retry:` and Retry-After
 * ask — and dropped when it goes quiet for longer than the idle timeout.
 */
export class ChangeFeed {
  private started = false;
  private open = false;
  private connection: AbortController | undefined;
  private retryMs = 1_000;
  private lastId: number | null = null;

  constructor(
    private readonly http: Transport,
    private readonly options: FeedOptions,
    private readonly hooks: FeedHooks,
  ) {
    options.lifetime.addEventListener("abort", () => this.connection?.abort(), { once: true });
  }

  /** Whether a connection is open: changes are pushed. */
  get streaming(): boolean {
    return this.open;
  }

  /** The id of the last change received, which a reconnection resumes from. */
  get lastEventId(): number | null {
    return this.lastId;
  }

  /** Opens the feed, once; later calls do nothing. */
  start(): void {
    if (this.started || this.options.lifetime.aborted) return;
    this.started = true;
    void this.run();
  }

  /** Keeps one change-feed connection open, reconnecting with backoff and resuming by event id. */
  private async run(): Promise<void> {
    const { lifetime } = this.options;
    let attempt = 0;
    let maxDelay = MAX_DELAY_MS;
    while (!lifetime.aborted) {
      let retryAfterMs = 0;
      const connectedAt = Date.now();
      try {
        await this.connect();
      } catch (error) {
        if (error instanceof ApiError) {
          if (error.status >= 400 && error.status < 500) maxDelay = REFUSED_MAX_DELAY_MS;
          // A server at its stream or connection limit says when a place may be free (heard up
          // to the longest wait after a refusal: a timer past 2^31 ms would fire at once).
          retryAfterMs = Math.min(error.retryAfterMs ?? 0, REFUSED_MAX_DELAY_MS);
        }
        if (!lifetime.aborted) this.hooks.report(error);
      }
      const wasOpen = this.open;
      this.open = false;
      if (lifetime.aborted) return;
      if (!wasOpen) this.hooks.unreachable();
      else {
        maxDelay = MAX_DELAY_MS;
        if (Date.now() - connectedAt > HEALTHY_STREAM_MS) attempt = 0;
      }
      // Meanwhile the client's poll timer re-checks cached prompts.
      const delay = Math.max(retryAfterMs, backoff(attempt++, this.retryMs, maxDelay) + 100);
      await sleep(delay, lifetime);
    }
  }

  /** One connection, from the request until the stream ends or goes quiet. */
  private async connect(): Promise<void> {
    const abort = new AbortController();
    this.connection = abort;
    const quiet = (ms: number) =>
      setTimeout(
        () => abort.abort(new UnreachableError(`the change feed sent nothing for ${ms} ms`)),
        ms,
      );
    let idle = quiet(this.options.connectTimeoutMs);
    const alive = () => {
      clearTimeout(idle);
      idle = quiet(this.options.idleTimeoutMs);
    };
    try {
      const response = await this.http.send("GET", "/api/v1/changes", {
        headers: {
          accept: "text/event-stream",
          ...(this.lastId !== null && { "last-event-id": String(this.lastId) }),
        },
        signal: abort.signal,
        timeoutMs: 0,
        retryable: () => false,
      });
      if (!response.ok || !response.body) {
        throw new ApiError(response.status, {
          status: response.status,
          code: "stream_refused",
          message: `the change feed answered ${response.status} without a stream`,
        });
      }
      this.open = true;
      this.hooks.opened();
      alive();
      // Events that came before the first connection are not replayed: look once.
      if (this.lastId === null) this.hooks.missed();
      const events = sseEvents(response.body, {
        onRetry: (ms) => {
          this.retryMs = ms;
        },
        onData: alive,
      });
      try {
        for await (const message of events) {
          // The server could not replay what this client missed: look at everything again.
          if (message.event === "reset") {
            this.lastId = Number(message.id) || this.lastId;
            this.hooks.missed();
          } else this.receive(message.data);
        }
      } catch (error) {
        if (abort.signal.aborted || error instanceof SseOverflowError) throw error;
        // fetch says only "terminated" when the connection drops mid-stream.
        throw new UnreachableError(
          `the change feed connection to ${this.http.baseUrl} dropped (${(error as Error).message})`,
          { cause: error },
        );
      }
    } finally {
      clearTimeout(idle);
    }
  }

  private receive(data: string): void {
    let event: ChangeEvent;
    try {
      // The server's own events, as its schema describes them; only malformed text is caught.
      event = JSON.parse(data) as ChangeEvent;
    } catch (error) {
      this.hooks.report(error);
      return;
    }
    this.lastId = event.id;
    this.hooks.change(event);
  }
}
