import type { ChangeEvent, PromptContent, ResolvedPrompt } from "@promptline/core";
import { extractVariables, isRequired, specOf } from "@promptline/core/template";
import { PromptlineApiError, PromptUnavailableError } from "./errors.js";
import { backoff, getJson, type HttpOptions, sleep } from "./http.js";
import { Prompt, type PromptSource } from "./prompt.js";
import { readSnapshot, type SnapshotEntry, writeSnapshot } from "./snapshot.js";
import { readEventStream } from "./sse.js";
import { type TraceOptions, TraceReporter } from "./traces.js";

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

export interface GetPromptOptions {
  /** The environment label to resolve. Default `production`; `latest` is the newest version. */
  label?: string;
  /** An exact version instead of a label. */
  version?: number;
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

/** Told the new prompt and the one it replaces. */
export type UpdateListener = (prompt: Prompt, previous: Prompt) => void;

interface Entry {
  name: string;
  label: string | null;
  version: number | null;
  prompt: Prompt;
  etag: string | null;
  /** Which pushed change last set it (0: set by a fetch). */
  pushed: number;
}

/** A cached prompt, and the settled promise `getPrompt` hands out for it (made once, not per call). */
interface Indexed {
  prompt: Prompt;
  answer: Promise<Prompt>;
}

// Core's DEFAULT_LABEL lives in a module that loads zod; the SDK only loads core's templates.
const DEFAULT_LABEL = "production";
/** A stream that stays up this long counts as healthy again (resets the reconnection backoff). */
const HEALTHY_STREAM_MS = 30_000;

/** Whether the event changes what this label serves: versions never change; `latest` moves on publish. */
function movesLabelOf(entry: Entry, event: ChangeEvent): boolean {
  if (entry.version !== null) return false;
  if (event.type === "version.published") return entry.label === "latest";
  if (event.type === "label.deployed" || event.type === "label.rolled_back") {
    return entry.label === event.payload.environment;
  }
  return false;
}

function keyOf(name: string, options: GetPromptOptions): string {
  return options.version === undefined
    ? `${name}@${options.label ?? DEFAULT_LABEL}`
    : `${name}#${options.version}`;
}

function resolvePath(name: string, options: GetPromptOptions): string {
  const query =
    options.version === undefined
      ? `label=${encodeURIComponent(options.label ?? DEFAULT_LABEL)}`
      : `version=${options.version}`;
  return `/api/v1/client/prompts/${encodeURIComponent(name)}?${query}`;
}

function fallbackPrompt(name: string, options: GetPromptOptions, content: PromptContent): Prompt {
  const variables = extractVariables(content).map((v) => {
    const spec = specOf(content.variables, v.name);
    return { name: v.name, required: isRequired(v, spec), ...(spec && { type: spec.type }) };
  });
  const resolved: ResolvedPrompt = {
    name,
    version: 0,
    semver: "0.0.0",
    label: options.version === undefined ? (options.label ?? DEFAULT_LABEL) : null,
    contentHash: "",
    content,
    variables,
  };
  return new Prompt(resolved, "fallback");
}

/**
 * The runtime client. After a prompt's first fetch, `getPrompt` answers from memory and never
 * waits on the network: changes are pushed over the change feed (or polled when it is down), and
 * when the registry is unreachable the last known good version keeps being served.
 */
export class PromptlineClient {
  private readonly http: HttpOptions;
  private readonly cache = new Map<string, Entry>();
  /** name → label or version → prompt: the hot path looks up without building a key string. */
  private readonly index = new Map<string, Map<string | number, Indexed>>();
  private readonly listeners = new Set<UpdateListener>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly ready: Promise<void>;
  private readonly lifetime = new AbortController();
  private readonly pollTimer: ReturnType<typeof setInterval>;
  private readonly streamIdleMs: number;
  private streamStarted = false;
  private streaming = false;
  private streamAbort: AbortController | undefined;
  private retryMs = 1_000;
  private lastEventId: number | null = null;
  /** Counts prompts set from pushed changes, so an older fetch never overwrites a newer push. */
  private pushes = 0;
  /** Pushed changes seen per prompt name, so a fetch that overlapped one is re-checked. */
  private readonly changesByName = new Map<string, number>();
  private lastContactOk = false;
  private staleSince: Date | null = null;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private snapshotWrite: Promise<void> = Promise.resolve();
  /** Reports traces of LLM calls (and scores for them) in the background. */
  readonly traces: TraceReporter;

  constructor(private readonly options: ClientOptions) {
    this.http = {
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      apiKey: options.apiKey,
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 5_000,
      retries: options.retries ?? 2,
    };
    this.streamIdleMs = options.streamIdleTimeoutMs ?? 45_000;
    this.traces = new TraceReporter(this.http, { onError: options.onError, ...options.traces });
    this.ready = options.snapshotPath ? this.loadSnapshot(options.snapshotPath) : Promise.resolve();
    this.pollTimer = setInterval(() => this.poll(), options.pollIntervalMs ?? 30_000);
    this.pollTimer.unref?.();
  }

  /**
   * The prompt by label (default production) or version. Answers from memory once fetched; the
   * first call for a prompt waits for the registry, or uses the snapshot or the fallback.
   */
  getPrompt(name: string, options?: GetPromptOptions): Promise<Prompt> {
    const hit = this.index.get(name)?.get(options?.version ?? options?.label ?? DEFAULT_LABEL);
    return hit ? hit.answer : this.firstFetch(name, options ?? {});
  }

  /** The cached prompt without touching the network, or undefined if it was never fetched. */
  getCachedPrompt(name: string, options?: GetPromptOptions): Prompt | undefined {
    return this.index.get(name)?.get(options?.version ?? options?.label ?? DEFAULT_LABEL)?.prompt;
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
   * `latest`). Returns a function that stops the calls.
   */
  onUpdate(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): ClientStatus {
    const closed = this.lifetime.signal.aborted;
    return {
      mode: closed
        ? "closed"
        : this.streaming
          ? "streaming"
          : this.cache.size > 0
            ? "polling"
            : "idle",
      connected: !closed && (this.streaming || this.lastContactOk),
      staleSince: this.staleSince,
      lastEventId: this.lastEventId,
      cachedPrompts: this.cache.size,
    };
  }

  /**
   * Stops the change feed and timers, writes the snapshot and flushes buffered traces; afterwards
   * only cached prompts are served and traces are no longer sent.
   */
  async close(): Promise<void> {
    this.lifetime.abort();
    this.streamAbort?.abort();
    clearInterval(this.pollTimer);
    if (this.snapshotTimer) {
      clearTimeout(this.snapshotTimer);
      this.saveSnapshot();
    }
    await Promise.all([this.snapshotWrite, this.traces.close()]);
  }

  private async firstFetch(name: string, options: GetPromptOptions): Promise<Prompt> {
    await this.ready;
    const key = keyOf(name, options);
    const cached = this.cache.get(key);
    if (cached) return cached.prompt;
    if (this.lifetime.signal.aborted) {
      throw new PromptUnavailableError(
        `prompt '${name}' was never fetched and the client is closed`,
      );
    }
    try {
      return (await this.load(key, name, options)).prompt;
    } catch (error) {
      // A refused key is a mistake to surface, not an outage to paper over.
      const refused =
        error instanceof PromptlineApiError && (error.status === 401 || error.status === 403);
      if (!options.fallback || refused) {
        if (error instanceof PromptlineApiError) throw error;
        throw new PromptUnavailableError(
          `prompt '${name}' was never fetched and the registry cannot be reached (${(error as Error).message}); pass a fallback to serve something instead`,
        );
      }
      this.report(error);
      // Kept like a fetched prompt, so later calls answer at once; polling replaces it when it can.
      const prompt = fallbackPrompt(name, options, options.fallback);
      const label = options.version === undefined ? (options.label ?? DEFAULT_LABEL) : null;
      this.store(key, {
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

  private load(key: string, name: string, options: GetPromptOptions): Promise<Entry> {
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchEntry(key, name, options).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async fetchEntry(key: string, name: string, options: GetPromptOptions): Promise<Entry> {
    const current = this.cache.get(key);
    const pushesBefore = this.pushes;
    const changesBefore = this.changesByName.get(name) ?? 0;
    let result: Awaited<ReturnType<typeof getJson<ResolvedPrompt>>>;
    try {
      result = await getJson<ResolvedPrompt>(
        this.http,
        resolvePath(name, options),
        current?.etag ?? undefined,
      );
    } catch (error) {
      if (!(error instanceof PromptlineApiError)) this.markUnreachable();
      throw error;
    }
    this.markReachable();
    const latest = this.cache.get(key);
    if (latest && latest.pushed > pushesBefore) return latest;
    if (result.status === 304 && current) {
      if (current.prompt.source !== "registry")
        this.store(key, { ...current, prompt: this.reSource(current, "registry") });
      return this.cache.get(key) ?? current;
    }
    if (result.status === 304)
      throw new Error("the registry answered 304 to a request without an ETag");
    const entry: Entry = {
      name,
      label: options.version === undefined ? (options.label ?? DEFAULT_LABEL) : null,
      version: options.version ?? null,
      prompt: new Prompt(result.body, "registry"),
      etag: result.etag,
      pushed: 0,
    };
    this.store(key, entry);
    this.startStream();
    // A change to this prompt arrived while the answer was on its way: it may predate the change.
    if ((this.changesByName.get(name) ?? 0) !== changesBefore) this.refresh(key, entry);
    return entry;
  }

  private indexEntry(entry: Entry): void {
    let byName = this.index.get(entry.name);
    if (!byName) {
      byName = new Map();
      this.index.set(entry.name, byName);
    }
    const prompt = entry.prompt;
    byName.set(entry.version ?? entry.label ?? DEFAULT_LABEL, {
      prompt,
      answer: Promise.resolve(prompt),
    });
  }

  private reSource(entry: Entry, source: PromptSource): Prompt {
    return new Prompt(entry.prompt.resolved(), source);
  }

  private store(key: string, entry: Entry): void {
    const previous = this.cache.get(key)?.prompt;
    this.cache.set(key, entry);
    this.indexEntry(entry);
    this.scheduleSnapshot();
    const changed =
      previous !== undefined &&
      (previous.version !== entry.prompt.version ||
        previous.contentHash !== entry.prompt.contentHash);
    if (changed) {
      for (const listener of this.listeners) {
        try {
          listener(entry.prompt, previous);
        } catch (error) {
          this.report(error);
        }
      }
    }
  }

  /** Re-fetches one cached prompt in the background; failures keep the cached answer. */
  private refresh(key: string, entry: Entry): void {
    const options =
      entry.version === null ? { label: entry.label ?? DEFAULT_LABEL } : { version: entry.version };
    this.load(key, entry.name, options).catch((error) => this.report(error));
  }

  private refreshAll(onlyUnconfirmed = false): void {
    for (const [key, entry] of this.cache) {
      if (!onlyUnconfirmed || entry.prompt.source !== "registry") this.refresh(key, entry);
    }
  }

  private poll(): void {
    if (this.lifetime.signal.aborted) return;
    // Streaming keeps confirmed prompts current; only snapshot copies still need a look.
    this.refreshAll(this.streaming);
  }

  private startStream(): void {
    if (this.options.stream === false || this.streamStarted || this.lifetime.signal.aborted) return;
    this.streamStarted = true;
    void this.runStream();
  }

  /** Keeps one change-feed connection open, reconnecting with backoff and resuming by event id. */
  private async runStream(): Promise<void> {
    let attempt = 0;
    let maxDelay = 10_000;
    while (!this.lifetime.signal.aborted) {
      let retryAfterMs = 0;
      const abort = new AbortController();
      this.streamAbort = abort;
      // Nothing at all (not even a heartbeat) for this long means the connection is dead.
      let idle = setTimeout(() => abort.abort(), this.http.timeoutMs);
      const alive = () => {
        clearTimeout(idle);
        idle = setTimeout(() => abort.abort(), this.streamIdleMs);
      };
      const connectedAt = Date.now();
      try {
        const response = await this.http.fetch(`${this.http.baseUrl}/api/v1/changes`, {
          headers: {
            authorization: `Bearer ${this.http.apiKey}`,
            accept: "text/event-stream",
            ...(this.lastEventId !== null && { "last-event-id": String(this.lastEventId) }),
          },
          signal: abort.signal,
        });
        if (!response.ok || !response.body) {
          // A server without a feed, or one that refuses this key, is not asked again soon.
          if (response.status >= 400 && response.status < 500) maxDelay = 5 * 60_000;
          // A server at its stream or connection limit says when a place may be free.
          retryAfterMs = 1000 * (Number(response.headers.get("retry-after")) || 0);
          throw new PromptlineApiError(
            response.status,
            "stream_refused",
            `the change feed answered ${response.status}`,
          );
        }
        maxDelay = 10_000;
        this.streaming = true;
        this.markReachable();
        alive();
        // Events that came before the first connection are not replayed: look once.
        if (this.lastEventId === null) this.refreshAll();
        await readEventStream(
          response.body,
          (message) => {
            // The server could not replay what this client missed: look at everything again.
            if (message.event === "reset") {
              this.lastEventId = Number(message.id) || this.lastEventId;
              this.refreshAll();
            } else this.onEvent(message.data);
          },
          (ms) => {
            this.retryMs = ms;
          },
          alive,
        );
      } catch (error) {
        if (!this.lifetime.signal.aborted) this.report(error);
      } finally {
        clearTimeout(idle);
      }
      const wasStreaming = this.streaming;
      this.streaming = false;
      if (this.lifetime.signal.aborted) return;
      if (!wasStreaming) this.markUnreachable();
      if (wasStreaming && Date.now() - connectedAt > HEALTHY_STREAM_MS) attempt = 0;
      // Meanwhile the poll timer re-checks cached prompts every pollIntervalMs.
      const delay = Math.max(retryAfterMs, backoff(attempt++, this.retryMs, maxDelay) + 100);
      await sleep(delay, this.lifetime.signal);
    }
  }

  private onEvent(data: string): void {
    let event: ChangeEvent;
    try {
      event = JSON.parse(data) as ChangeEvent;
    } catch (error) {
      this.report(error);
      return;
    }
    this.lastEventId = event.id;
    this.changesByName.set(event.name, (this.changesByName.get(event.name) ?? 0) + 1);
    for (const [key, entry] of this.cache) {
      if (entry.name !== event.name) continue;
      if (event.prompt && movesLabelOf(entry, event)) {
        // The event carries the version this label now serves: no request needed.
        const prompt = new Prompt({ ...event.prompt, label: entry.label }, "registry");
        this.store(key, { ...entry, prompt, etag: event.etag ?? null, pushed: ++this.pushes });
      } else if (entry.prompt.source !== "registry" || movesLabelOf(entry, event)) {
        // Unconfirmed copies (snapshot, fallback) of a prompt that changed are checked anew.
        this.refresh(key, entry);
      }
    }
  }

  private markReachable(): void {
    this.lastContactOk = true;
    this.staleSince = null;
  }

  private markUnreachable(): void {
    this.lastContactOk = false;
    this.staleSince ??= new Date();
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
      this.restore(await readSnapshot(path));
    } catch (error) {
      this.report(error);
    }
  }

  private restore(entries: SnapshotEntry[]): void {
    for (const entry of entries) {
      if (this.cache.has(entry.key)) continue;
      const { resolved } = entry;
      this.store(entry.key, {
        name: resolved.name,
        label: entry.key.includes("#") ? null : entry.key.slice(entry.key.lastIndexOf("@") + 1),
        version: entry.key.includes("#") ? resolved.version : null,
        prompt: new Prompt(resolved, "snapshot"),
        etag: entry.etag,
        pushed: 0,
      });
    }
    if (this.cache.size > 0) {
      this.refreshAll();
      this.startStream();
    }
  }

  private scheduleSnapshot(): void {
    if (!this.options.snapshotPath || this.snapshotTimer || this.lifetime.signal.aborted) return;
    this.snapshotTimer = setTimeout(() => this.saveSnapshot(), 50);
    this.snapshotTimer.unref?.();
  }

  private saveSnapshot(): void {
    this.snapshotTimer = undefined;
    const path = this.options.snapshotPath;
    if (!path) return;
    const entries: SnapshotEntry[] = [];
    for (const [key, entry] of this.cache) {
      entries.push({
        key,
        etag: entry.etag,
        resolved: entry.prompt.resolved(),
      });
    }
    this.snapshotWrite = this.snapshotWrite
      .then(() => writeSnapshot(path, entries))
      .catch((error) => this.report(error));
  }
}

export function createClient(options: ClientOptions): PromptlineClient {
  return new PromptlineClient(options);
}
