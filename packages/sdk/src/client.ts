import { createApi, Transport, type TransportOptions } from "@promptline/client";
import type { PromptContent } from "@promptline/core";
import {
  type Entry,
  keyOf,
  labelOf,
  PromptCache,
  type Selector,
  type UpdateListener,
} from "./cache.js";
import { PromptlineApiError, PromptUnavailableError } from "./errors.js";
import { ChangeFeed } from "./feed.js";
import { fallbackPrompt, type Prompt } from "./prompt.js";
import { candidateVersions } from "./rollout.js";
import { entryOf, readSnapshot, SnapshotWriter } from "./snapshot.js";
import { PromptSync } from "./sync.js";
import { type TraceOptions, TraceReporter } from "./traces.js";

export type { UpdateListener } from "./cache.js";

export interface ClientOptions {
  /** The promptline server, e.g. http://127.0.0.1:4680. */
  baseUrl: string;
  /** An API key with read access (a viewer key is enough, and may also report traces). */
  apiKey: string;
  /** Per-request timeout. Default 5 s. */
  timeoutMs?: number;
  /** Retries of a failed request (network error, 429, 5xx), with backoff. Default 2. */
  retries?: number;
  /** Subscribe to the server's change feed so changes arrive within moments. Default true. */
  stream?: boolean;
  /** How often cached prompts are re-checked while the change feed is unavailable. Default 30 s. */
  pollIntervalMs?: number;
  /**
   * A change-feed connection that sends nothing (not even the server's heartbeat, every 15 s by
   * default) for this long is dropped and reopened. Default 45 s.
   */
  streamIdleTimeoutMs?: number;
  /** A file to keep the last known good prompts in, to serve them after a restart. */
  snapshotPath?: string;
  /** Hears background failures (refreshes, stream drops); the SDK never throws them at you. */
  onError?: (error: unknown) => void;
  /** How `client.traces` buffers and sends traces. */
  traces?: TraceOptions;
  fetch?: typeof fetch;
}

/** What to serve when nothing was ever fetched: the content of a prompt, as in the API. */
export type PromptFallback = PromptContent;

export interface GetPromptOptions extends Selector {
  /**
   * Served (as version 0) if this prompt was never fetched and the registry can't answer or has
   * no such prompt or label. A refused key (401/403) still rejects.
   */
  fallback?: PromptFallback;
}

export interface ClientStatus {
  /** `streaming`: changes are pushed; `polling`: re-checked every pollIntervalMs. */
  mode: "idle" | "streaming" | "polling" | "closed";
  /** Whether the last contact with the registry succeeded. */
  connected: boolean;
  /** Since when answers may be stale because the registry can't be reached; null when fresh. */
  staleSince: Date | null;
  lastEventId: number | null;
  cachedPrompts: number;
}

/**
 * The runtime client. After a prompt's first fetch, `getPrompt` answers from memory and never
 * waits on the network: changes are pushed over the change feed (or polled when it is down), and
 * when the registry is unreachable the last known good version keeps being served.
 */
export class PromptlineClient {
  private readonly cache: PromptCache;
  private readonly sync: PromptSync;
  private readonly feed: ChangeFeed | undefined;
  private readonly snapshot: SnapshotWriter | undefined;
  private readonly ready: Promise<void>;
  private readonly lifetime = new AbortController();
  private readonly pollTimer: ReturnType<typeof setInterval>;
  private lastContactOk = false;
  private staleSince: Date | null = null;
  /** Reports traces of LLM calls (and scores for them) in the background. */
  readonly traces: TraceReporter;

  constructor(private readonly options: ClientOptions) {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const connection: TransportOptions = {
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs,
      retries: options.retries ?? 2,
      // A server asking for a longer pause is answered from the cache or the fallback instead.
      maxRetryAfterMs: 2_000,
      ...(options.fetch && { fetch: options.fetch }),
    };
    const report = (error: unknown) => this.report(error);
    this.cache = new PromptCache({
      stored: (entry) => {
        this.snapshot?.schedule();
        // After the caller's synchronous stores (a snapshot's entries) the candidates may be there.
        if (entry.prompt.rollout) queueMicrotask(() => void this.loadCandidates(entry));
      },
      report,
    });
    this.snapshot = options.snapshotPath
      ? new SnapshotWriter(options.snapshotPath, this.cache, report)
      : undefined;
    this.sync = new PromptSync(createApi(new Transport(connection)), this.cache, {
      contact: (reachable) => this.markContact(reachable),
      fetched: () => this.feed?.start(),
      report,
    });
    this.feed =
      options.stream === false
        ? undefined
        : new ChangeFeed(
            new Transport({ ...connection, retries: 0 }),
            {
              connectTimeoutMs: timeoutMs,
              idleTimeoutMs: options.streamIdleTimeoutMs ?? 45_000,
              lifetime: this.lifetime.signal,
            },
            {
              opened: () => this.markContact(true),
              missed: () => this.sync.refreshAll(),
              change: (event) => this.sync.apply(event),
              unreachable: () => this.markContact(false),
              report,
            },
          );
    this.traces = new TraceReporter(connection, { onError: options.onError, ...options.traces });
    this.ready = options.snapshotPath ? this.loadSnapshot(options.snapshotPath) : Promise.resolve();
    this.pollTimer = setInterval(() => this.poll(), options.pollIntervalMs ?? 30_000);
    this.pollTimer.unref?.();
  }

  /**
   * The prompt by label (default production) or version. Answers from memory once fetched; the
   * first call for a prompt waits for the registry, or uses the snapshot or the fallback. While
   * a rollout runs on the label, `context` (with the rollout's unit, `userId` by default) picks
   * the version, locally: see docs/sdk.md.
   */
  getPrompt(name: string, options?: GetPromptOptions): Promise<Prompt> {
    const hit = this.cache.serve(name, options);
    return hit ? hit.answer : this.firstFetch(name, options ?? {});
  }

  /** The cached prompt without touching the network, or undefined if it was never fetched. */
  getCachedPrompt(name: string, options?: GetPromptOptions): Prompt | undefined {
    return this.cache.serve(name, options)?.prompt;
  }

  /** Fetches prompts up front (e.g. at start-up) so later calls answer from memory. */
  async prefetch(
    prompts: Array<string | ({ name: string } & GetPromptOptions)>,
  ): Promise<{ loaded: string[]; failed: Array<{ name: string; error: unknown }> }> {
    const results = await Promise.allSettled(
      prompts.map((p) => (typeof p === "string" ? this.getPrompt(p) : this.getPrompt(p.name, p))),
    );
    const loaded: string[] = [];
    const failed: Array<{ name: string; error: unknown }> = [];
    results.forEach((result, i) => {
      const p = prompts[i] as string | { name: string };
      const name = typeof p === "string" ? p : p.name;
      if (result.status === "fulfilled") loaded.push(name);
      else failed.push({ name, error: result.reason });
    });
    return { loaded, failed };
  }

  /**
   * Calls `listener` whenever a cached prompt changes version (a deploy, a rollback, a new
   * `latest`) or the rollout running on its label changes (a start, an advance, a pause, an end).
   * Returns a function that stops the calls.
   */
  onUpdate(listener: UpdateListener): () => void {
    return this.cache.onUpdate(listener);
  }

  status(): ClientStatus {
    const closed = this.lifetime.signal.aborted;
    const streaming = this.feed?.streaming ?? false;
    return {
      mode: closed ? "closed" : streaming ? "streaming" : this.cache.size > 0 ? "polling" : "idle",
      connected: !closed && (streaming || this.lastContactOk),
      staleSince: this.staleSince,
      lastEventId: this.feed?.lastEventId ?? null,
      cachedPrompts: this.cache.size,
    };
  }

  /**
   * Stops the change feed and timers, writes the snapshot and flushes buffered traces; afterwards
   * only cached prompts are served and traces are no longer sent.
   */
  async close(): Promise<void> {
    this.lifetime.abort();
    clearInterval(this.pollTimer);
    await Promise.all([this.snapshot?.close(), this.traces.close()]);
  }

  private async firstFetch(name: string, options: GetPromptOptions): Promise<Prompt> {
    await this.ready;
    const key = keyOf(name, options);
    const cached = this.cache.get(key);
    if (cached) return this.assigned(name, options, cached);
    if (this.lifetime.signal.aborted) {
      throw new PromptUnavailableError(
        `prompt '${name}' was never fetched and the client is closed`,
      );
    }
    try {
      // The first answer waits for the rollout's candidates too, so it is assigned like later ones.
      const entry = await this.sync.load(key, name, options);
      await this.loadCandidates(entry);
      return this.assigned(name, options, entry);
    } catch (error) {
      // A refused key is a mistake to surface, not an outage to paper over.
      const refused =
        error instanceof PromptlineApiError && (error.status === 401 || error.status === 403);
      if (!options.fallback || refused) {
        if (error instanceof PromptlineApiError) throw error;
        throw new PromptUnavailableError(
          `prompt '${name}' was never fetched and the registry cannot be reached (${(error as Error).message}); pass a fallback to serve something instead`,
          { cause: error },
        );
      }
      this.report(error);
      // Kept like a fetched prompt, so later calls answer at once; polling replaces it when it can.
      const label = labelOf(options);
      const prompt = fallbackPrompt(name, label, options.fallback);
      this.cache.store(key, {
        name,
        label,
        version: options.version ?? null,
        prompt,
        etag: null,
        pushed: 0,
      });
      return prompt;
    }
  }

  /** What a cached selection serves this caller (its rollout's assignment, when one runs). */
  private assigned(name: string, options: GetPromptOptions, entry: Entry): Prompt {
    return this.cache.serve(name, options)?.prompt ?? entry.prompt;
  }

  /**
   * Fetches the versions a label's rollout may serve that are not cached yet (versions never
   * change, so once is enough). Until one arrives its callers are served the control; a failed
   * fetch is reported and tried again at the next poll.
   */
  private async loadCandidates(entry: Entry): Promise<void> {
    const rollout = entry.prompt.rollout;
    if (!rollout || entry.version !== null || this.lifetime.signal.aborted) return;
    const loads = candidateVersions(rollout).flatMap((version) => {
      const key = keyOf(entry.name, { version });
      if (this.cache.get(key)) return [];
      return [this.sync.load(key, entry.name, { version }).catch((error) => this.report(error))];
    });
    await Promise.all(loads);
  }

  private poll(): void {
    if (this.lifetime.signal.aborted) return;
    // Streaming keeps confirmed prompts current; only snapshot copies still need a look.
    this.sync.refreshAll(this.feed?.streaming ?? false);
    for (const [, entry] of this.cache) void this.loadCandidates(entry);
  }

  private markContact(reachable: boolean): void {
    this.lastContactOk = reachable;
    if (reachable) this.staleSince = null;
    else this.staleSince ??= new Date();
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing error handler must not break the client.
    }
  }

  private async loadSnapshot(path: string): Promise<void> {
    try {
      for (const entry of await readSnapshot(path)) {
        if (!this.cache.get(entry.key)) this.cache.store(entry.key, entryOf(entry));
      }
    } catch (error) {
      this.report(error);
    }
    if (this.cache.size > 0) {
      this.sync.refreshAll();
      this.feed?.start();
    }
  }
}

export function createClient(options: ClientOptions): PromptlineClient {
  return new PromptlineClient(options);
}
