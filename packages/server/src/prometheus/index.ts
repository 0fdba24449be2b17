import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Running figures of the protective limits, read when /metrics is scraped. */
export interface LimitUse {
  openConnections: number;
  maxConnections: number;
  refusedConnections: number;
  feedStreams: number;
  feedLogReads: number;
  refusedStreams: number;
  authFailures: number;
  throttledAuthFailures: number;
  /** Requests with large bodies being worked on, and waiting for their turn. */
  largeUploads: { active: number; waiting: number };
}

/** The online-evaluation worker's running figures, read when /metrics is scraped. */
export interface OnlineEvalUse {
  queued: number;
  dropped: number;
  scored: number;
  errors: number;
  skipped: Record<string, number>;
}

/** The guardrail monitor's running figures, read when /metrics is scraped. */
export interface RolloutMonitorUse {
  leader: boolean;
  looks: number;
  decisions: number;
  stale: number;
}

/**
 * What operators scrape at /metrics (Prometheus text format). One registry per server, so
 * several servers in one process (tests) keep their own counts.
 */
/** Counters whose totals a component keeps itself: each scrape reads them from a snapshot. */
function snapshotCounters<T>(
  registers: Registry[],
  read: () => T,
  counters: ReadonlyArray<[name: string, help: string, value: (use: T) => number]>,
): void {
  for (const [name, help, value] of counters) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(value(read()));
      },
    });
  }
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "promptline_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: "promptline_http_request_duration_seconds",
    help: "Time to answer HTTP requests (to the first byte of streamed answers)",
    labelNames: ["route", "method"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly tracesIngested = new Counter({
    name: "promptline_traces_ingested_total",
    help: "Traces stored, by source (api, otlp, gateway)",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly tracesRejected = new Counter({
    name: "promptline_traces_rejected_total",
    help: "Traces refused as malformed, by source",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly tracesDropped = new Counter({
    name: "promptline_traces_dropped_total",
    help: "Gateway traces dropped because the write queue was full",
    registers: [this.registry],
  });
  readonly traceQueue = new Gauge({
    name: "promptline_trace_queue_depth",
    help: "Gateway traces waiting to be written",
    registers: [this.registry],
  });
  readonly gatewayCalls = new Counter({
    name: "promptline_gateway_calls_total",
    help: "Gateway calls by provider connection and outcome",
    labelNames: ["provider", "status"] as const,
    registers: [this.registry],
  });
  readonly gatewayTokens = new Counter({
    name: "promptline_gateway_tokens_total",
    help: "Tokens through the gateway, by provider connection and direction",
    labelNames: ["provider", "direction"] as const,
    registers: [this.registry],
  });

  /** `cacheStats` reads the resolve cache's running totals when scraped. */
  constructor(cacheStats: () => { hits: number; misses: number }) {
    collectDefaultMetrics({ register: this.registry, prefix: "promptline_" });
    new Counter({
      name: "promptline_resolve_cache_total",
      help: "Prompt resolutions answered from memory (hit) or loaded from storage (miss)",
      labelNames: ["result"] as const,
      registers: [this.registry],
      collect() {
        const { hits, misses } = cacheStats();
        this.reset();
        this.inc({ result: "hit" }, hits);
        this.inc({ result: "miss" }, misses);
      },
    });
  }

  /**
   * Reports the protective limits' current use when scraped: open connections and streams
   * against their caps, and what each limit refused.
   */
  watchLimits(read: () => LimitUse): void {
    const registers = [this.registry];
    new Gauge({
      name: "promptline_open_connections",
      help: "HTTP connections open now",
      registers,
      collect() {
        this.set(read().openConnections);
      },
    });
    new Gauge({
      name: "promptline_max_connections",
      help: "The connection cap (PROMPTLINE_MAX_CONNECTIONS)",
      registers,
      collect() {
        this.set(read().maxConnections);
      },
    });
    new Gauge({
      name: "promptline_feed_streams",
      help: "Change-feed streams open now",
      registers,
      collect() {
        this.set(read().feedStreams);
      },
    });
    new Counter({
      name: "promptline_feed_log_reads_total",
      help: "Reads of the event log by the change feed",
      registers,
      collect() {
        this.reset();
        this.inc(read().feedLogReads);
      },
    });
    new Counter({
      name: "promptline_limit_refusals_total",
      help: "Requests refused by a protective limit, by limit",
      labelNames: ["limit"] as const,
      registers,
      collect() {
        const use = read();
        this.reset();
        this.inc({ limit: "connections" }, use.refusedConnections);
        this.inc({ limit: "streams" }, use.refusedStreams);
        this.inc({ limit: "auth_failures" }, use.throttledAuthFailures);
      },
    });
    new Gauge({
      name: "promptline_large_uploads",
      help: "Requests with bodies over 1 MiB being worked on (active) or waiting for a turn",
      labelNames: ["state"] as const,
      registers,
      collect() {
        const { active, waiting } = read().largeUploads;
        this.set({ state: "active" }, active);
        this.set({ state: "waiting" }, waiting);
      },
    });
    new Counter({
      name: "promptline_auth_failures_total",
      help: "Failed authentications (unknown, revoked or missing keys and sessions)",
      registers,
      collect() {
        this.reset();
        this.inc(read().authFailures);
      },
    });
  }

  /** Reports the online-evaluation worker's queue and what it scored, skipped and dropped. */
  watchOnlineEvaluation(read: () => OnlineEvalUse): void {
    const registers = [this.registry];
    new Gauge({
      name: "promptline_online_eval_queue_depth",
      help: "Sampled traces waiting to be scored",
      registers,
      collect() {
        this.set(read().queued);
      },
    });
    const counters: Array<[string, string, (use: OnlineEvalUse) => number]> = [
      [
        "promptline_online_eval_dropped_total",
        "Sampled traces dropped because the scoring queue was full or the server was stopping",
        (use) => use.dropped,
      ],
      [
        "promptline_online_eval_scored_total",
        "Scores attached to traces by online evaluation",
        (use) => use.scored,
      ],
      [
        "promptline_online_eval_errors_total",
        "Online-evaluation scorers that could not judge a trace (nothing is written for them)",
        (use) => use.errors,
      ],
    ];
    snapshotCounters(registers, read, counters);
    new Counter({
      name: "promptline_online_eval_skipped_total",
      help: "Traces or scorers not scored, by reason (judge_unavailable, no_output, trace_gone, already_scored)",
      labelNames: ["reason"] as const,
      registers,
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(read().skipped)) this.inc({ reason }, count);
      },
    });
  }

  watchRolloutMonitor(read: () => RolloutMonitorUse): void {
    const registers = [this.registry];
    new Gauge({
      name: "promptline_rollout_monitor_leader",
      help: "1 while this instance holds the guardrail monitor's lease (the one that looks), else 0",
      registers,
      collect() {
        this.set(read().leader ? 1 : 0);
      },
    });
    const counters: Array<[string, string, (use: RolloutMonitorUse) => number]> = [
      ["promptline_rollout_monitor_looks_total", "Looks at the running rollouts", (u) => u.looks],
      [
        "promptline_rollout_monitor_decisions_total",
        "Rollout decisions the monitor applied (advance, promote, pause, rollback)",
        (u) => u.decisions,
      ],
      [
        "promptline_rollout_monitor_stale_total",
        "Decisions dropped because a person changed the rollout after the monitor read it",
        (u) => u.stale,
      ],
    ];
    snapshotCounters(registers, read, counters);
  }

  // Label lookups hash their values on every call: the children are kept per label set.
  private readonly requestCounters = new Map<string, { inc(): void }>();
  private readonly requestTimers = new Map<string, { observe(seconds: number): void }>();

  /** Counts one answered request. */
  countRequest(route: string, method: string, status: number): void {
    const key = `${method} ${status} ${route}`;
    let counter = this.requestCounters.get(key);
    if (!counter) {
      counter = this.httpRequests.labels({ route, method, status: String(status) });
      this.requestCounters.set(key, counter);
    }
    counter.inc();
  }

  /** Counts and times every request the framework answers, labelled by route pattern. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const started = performance.now();
      await next();
      // The matched pattern, not the URL: ids and names must not explode the label set.
      const route = routePath(c, -1);
      const method = c.req.method;
      this.countRequest(route, method, c.res.status);
      const key = `${method} ${route}`;
      let timer = this.requestTimers.get(key);
      if (!timer) {
        timer = this.httpDuration.labels({ route, method });
        this.requestTimers.set(key, timer);
      }
      timer.observe((performance.now() - started) / 1000);
    };
  }
}
