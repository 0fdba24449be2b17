import { type ChangeEvent, FEED_EVENT_TYPES } from "@promptline/core";
import type { ServiceContext } from "../context.js";
import { type LoggedEvent, listEvents } from "../event/store.js";
import type { ResolveService, Selector } from "../resolve/service.js";

const BATCH = 500;
/** Recent events kept per project, shared by all its subscribers. */
const RECENT = 500;
/** Subscribers woken before other work gets a turn. */
const WAKE_BATCH = 50;
/** After a failed read (database unreachable), try again this much later. */
const RETRY_MS = 500;

/**
 * What one read of a feed gives a subscriber: the events, and where to read from next. `reset`
 * says the cursor could not be served (older than the kept window, or past the end): the
 * subscriber must look at everything again, and continues from `position`.
 */
export interface FeedRead {
  events: ChangeEvent[];
  position: number;
  reset?: "too_old" | "unknown";
}

/** Running totals for /metrics: queries of the event log, and streams open. */
export interface FeedStats {
  logReads: number;
  streams: number;
}

/**
 * The events that make a version current, and what their payload names: a version, or (for a
 * rollout's changes) the label whose resolution now carries the rollout, or no longer does.
 * Others (a prompt's metadata, a gate's verdict: a failed gate changed nothing) carry no prompt.
 */
const byVersion = (version: unknown): Selector | undefined =>
  typeof version === "number" ? { version } : undefined;
const byLabel = (payload: Record<string, unknown>): Selector | undefined =>
  typeof payload.environment === "string" ? { label: payload.environment } : undefined;
const ATTACHES_PROMPT: Partial<
  Record<ChangeEvent["type"], (payload: Record<string, unknown>) => Selector | undefined>
> = {
  "version.published": (payload) => byVersion(payload.version),
  "label.deployed": (payload) => byVersion(payload.to),
  "label.rolled_back": (payload) => byVersion(payload.to),
  "rollout.started": byLabel,
  "rollout.advanced": byLabel,
  "rollout.paused": byLabel,
  "rollout.resumed": byLabel,
};

/** The feed names the subject (always a prompt) `name`. */
function feedEvent(e: LoggedEvent): ChangeEvent {
  return {
    id: e.id,
    type: e.type as ChangeEvent["type"],
    name: e.subject,
    payload: e.payload,
    actor: e.actor,
    createdAt: e.createdAt,
  };
}

/**
 * One project's feed on this instance: on each change notification it reads the new events once
 * and keeps the most recent ones, so a thousand subscribers cost one query, not a thousand, and
 * the same objects (and their encoded frames). Every subscriber is served from that window; one
 * further behind is told to reset instead of reading the log on its own, which a few hundred
 * catching up at once would turn into seconds of work.
 */
class ProjectFeed {
  private recent: ChangeEvent[] = [];
  private latestId = 0;
  /** Every feed event after this id is in `recent`. */
  private windowStart = 0;
  private ready: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiters = new Set<() => void>();
  subscribers = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly resolver: ResolveService,
    private readonly projectId: string,
    private readonly onError: (error: unknown) => void,
    private readonly stats: FeedStats,
  ) {}

  /** Loads the window once; a failed attempt is forgotten so the next one retries. */
  private start(): Promise<void> {
    this.ready ??= this.loadWindow().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** The latest events, and the id before them (one more row tells whether anything precedes). */
  private async loadWindow(): Promise<void> {
    this.stats.logReads++;
    const rows = await listEvents(this.ctx.engine.db, this.projectId, FEED_EVENT_TYPES, {
      limit: RECENT + 1,
      newestFirst: true,
    });
    const kept = rows.slice(0, RECENT).reverse();
    this.windowStart = rows[RECENT]?.id ?? 0;
    this.recent = await Promise.all(kept.map((row) => this.withPrompt(feedEvent(row))));
    this.latestId = this.recent.at(-1)?.id ?? 0;
  }

  /** Where a new subscriber without a cursor starts: after everything committed so far. */
  async head(): Promise<number> {
    await this.start();
    return this.latestId;
  }

  /** Reads what is new; a failure (database down) is retried shortly instead of lost. */
  refresh(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.readNew()
      .catch((error: unknown) => {
        this.onError(error);
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.refresh(), RETRY_MS);
      })
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  /** Stops retrying once nobody listens. */
  dispose(): void {
    clearTimeout(this.retryTimer);
  }

  private async readNew(): Promise<void> {
    await this.start();
    let read = 0;
    for (;;) {
      const events = await this.readLog(this.latestId);
      read += events.length;
      if (events.length === 0) break;
      this.recent.push(...events);
      if (this.recent.length > RECENT) {
        const dropped = this.recent.length - RECENT;
        this.windowStart = this.recent[dropped - 1]?.id ?? this.windowStart;
        this.recent = this.recent.slice(dropped);
      }
      this.latestId = events.at(-1)?.id ?? this.latestId;
      if (events.length < BATCH) break;
    }
    // Changes outside the feed (drafts, keys, prices) notify too, but wake nobody.
    if (read > 0) await this.wakeWaiters();
  }

  /**
   * Wakes the waiting subscribers a batch at a time, letting other requests in between: each
   * wake-up writes to a socket, and thousands at once would hold the event loop.
   */
  private async wakeWaiters(): Promise<void> {
    let woken = 0;
    for (const wake of [...this.waiters]) {
      wake();
      if (++woken % WAKE_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async readLog(afterId: number): Promise<ChangeEvent[]> {
    this.stats.logReads++;
    const rows = await listEvents(this.ctx.engine.db, this.projectId, FEED_EVENT_TYPES, {
      afterId,
      limit: BATCH,
    });
    return Promise.all(rows.map((row) => this.withPrompt(feedEvent(row))));
  }

  /** Attaches the version a move or publish made current: a thousand clients need not ask. */
  private async withPrompt(event: ChangeEvent): Promise<ChangeEvent> {
    const selector = ATTACHES_PROMPT[event.type]?.(event.payload);
    if (!selector) return event;
    try {
      const { prompt, etag } = await this.resolver.resolve(this.projectId, event.name, selector);
      return { ...event, prompt, etag };
    } catch {
      return event;
    }
  }

  /**
   * Events after `cursor`, from the window, and the position the reader has now seen up to. The
   * position passes every id the read covered, even when none was a feed event, so a reader never
   * asks about the same stretch of the log twice.
   */
  async eventsAfter(cursor: number): Promise<FeedRead> {
    await this.start();
    const head = this.latestId;
    if (cursor === head) return { events: [], position: cursor };
    // Past the end: a cursor from another server or database. Before the window: too far behind.
    if (cursor > head) return { events: [], position: head, reset: "unknown" };
    if (cursor < this.windowStart) return { events: [], position: head, reset: "too_old" };
    const from = this.recent.findIndex((e) => e.id > cursor);
    const events = from < 0 ? [] : this.recent.slice(from, from + BATCH);
    const last = events.at(-1)?.id ?? cursor;
    return { events, position: events.length === BATCH ? last : Math.max(head, last) };
  }

  /** Resolves true when there are events after `cursor`, false after `ms` without any. */
  waitForNews(cursor: number, ms: number): { done: Promise<boolean>; cancel: () => void } {
    let finish: (news: boolean) => void = () => {};
    const done = new Promise<boolean>((resolve) => {
      finish = resolve;
    });
    if (this.latestId > cursor) {
      finish(true);
      return { done, cancel: () => {} };
    }
    const wake = () => finish(true);
    const timer = setTimeout(() => finish(false), ms);
    this.waiters.add(wake);
    const cancel = () => {
      clearTimeout(timer);
      this.waiters.delete(wake);
      finish(false);
    };
    void done.then(cancel);
    return { done, cancel };
  }
}

/** The feeds of all projects with subscribers on this instance. */
export class FeedHub {
  private readonly feeds = new Map<string, ProjectFeed>();
  readonly stats: FeedStats = { logReads: 0, streams: 0 };

  constructor(
    private readonly ctx: ServiceContext,
    private readonly resolver: ResolveService,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    ctx.engine.onChange(
      (change) => this.feeds.get(change.projectId)?.refresh(),
      () => {
        for (const feed of this.feeds.values()) feed.refresh();
      },
    );
  }

  join(projectId: string): ProjectFeed {
    let feed = this.feeds.get(projectId);
    if (!feed) {
      feed = new ProjectFeed(this.ctx, this.resolver, projectId, this.onError, this.stats);
      this.feeds.set(projectId, feed);
    }
    feed.subscribers++;
    this.stats.streams++;
    return feed;
  }

  leave(projectId: string): void {
    const feed = this.feeds.get(projectId);
    if (feed) this.stats.streams--;
    if (feed && --feed.subscribers === 0) {
      feed.dispose();
      this.feeds.delete(projectId);
    }
  }
}

export type { ProjectFeed };
