import { type Api, ApiError } from "@promptline/client";
import type { ChangeEvent } from "@promptline/core";
import {
  DEFAULT_LABEL,
  type Entry,
  labelOf,
  type PromptCache,
  type Selector,
  selectorOf,
} from "./cache.js";
import { Prompt } from "./prompt.js";

export interface SyncHooks {
  /** Whether the registry answered (yes or no) or could not be asked. */
  contact: (reachable: boolean) => void;
  /** A prompt was fetched from the registry: from now on changes to it are worth hearing. */
  fetched: () => void;
  report: (error: unknown) => void;
}

/**
 * Label moves, and changes to a running rollout (which carry the label's prompt with its new
 * definition). A rollout's end (promote, abort, rollback) is followed by the label's move, which
 * carries the prompt without it: the end itself needs nothing.
 */
const CHANGES_LABEL = new Set<ChangeEvent["type"]>([
  "label.deployed",
  "label.rolled_back",
  "rollout.started",
  "rollout.advanced",
  "rollout.paused",
  "rollout.resumed",
]);

/**
 * Whether the event changes what this label serves: versions never change; `latest` moves on
 * publish; an environment's label on a move or a change to the rollout running on it.
 */
function movesLabelOf(entry: Entry, event: ChangeEvent): boolean {
  if (entry.version !== null) return false;
  if (event.type === "version.published") return entry.label === "latest";
  return CHANGES_LABEL.has(event.type) && entry.label === event.payload.environment;
}

/**
 * Keeps the cache in step with the registry: fetches (conditional on the last ETag, one request
 * per key at a time), background refreshes, and pushed changes — so that an answer that was on
 * its way while a change arrived never overwrites it.
 */
export class PromptSync {
  private readonly inflight = new Map<string, Promise<Entry>>();
  /** Counts prompts set from pushed changes, so an older fetch never overwrites a newer push. */
  private pushes = 0;
  /** Pushed changes seen per prompt name, so a fetch that overlapped one is re-checked. */
  private readonly changesByName = new Map<string, number>();

  constructor(
    private readonly api: Api,
    private readonly cache: PromptCache,
    private readonly hooks: SyncHooks,
  ) {}

  /** Fetches a prompt into the cache; concurrent loads of one key share one request. */
  load(key: string, name: string, selector: Selector): Promise<Entry> {
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchEntry(key, name, selector).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Re-fetches one cached prompt in the background; failures keep the cached answer. */
  refresh(key: string, entry: Entry): void {
    this.load(key, entry.name, selectorOf(entry)).catch((error) => this.hooks.report(error));
  }

  /** Re-fetches every cached prompt, or only those the registry has not confirmed yet. */
  refreshAll(onlyUnconfirmed = false): void {
    for (const [key, entry] of this.cache) {
      if (!onlyUnconfirmed || entry.prompt.source !== "registry") this.refresh(key, entry);
    }
  }

  /** Applies a pushed change to the cached prompts it concerns. */
  apply(event: ChangeEvent): void {
    this.changesByName.set(event.name, (this.changesByName.get(event.name) ?? 0) + 1);
    for (const [key, entry] of this.cache) {
      if (entry.name !== event.name) continue;
      if (event.prompt && movesLabelOf(entry, event)) {
        // The event carries the version this label now serves: no request needed.
        const prompt = new Prompt({ ...event.prompt, label: entry.label }, "registry");
        this.cache.store(key, {
          ...entry,
          prompt,
          etag: event.etag ?? null,
          pushed: ++this.pushes,
        });
      } else if (entry.prompt.source !== "registry" || movesLabelOf(entry, event)) {
        // Unconfirmed copies (snapshot, fallback) of a prompt that changed are checked anew.
        this.refresh(key, entry);
      }
    }
  }

  private async fetchEntry(key: string, name: string, selector: Selector): Promise<Entry> {
    const current = this.cache.get(key);
    const pushesBefore = this.pushes;
    const changesBefore = this.changesByName.get(name) ?? 0;
    const query =
      selector.version === undefined
        ? { label: selector.label ?? DEFAULT_LABEL }
        : { version: selector.version };
    let result: Awaited<ReturnType<Api["client"]["resolve"]>>;
    try {
      result = await this.api.client.resolve(name, query, current?.etag);
    } catch (error) {
      if (!(error instanceof ApiError)) this.hooks.contact(false);
      throw error;
    }
    this.hooks.contact(true);
    const latest = this.cache.get(key);
    if (latest && latest.pushed > pushesBefore) return latest;
    if (result.status === 304 && current) {
      if (current.prompt.source !== "registry") {
        this.cache.store(key, {
          ...current,
          prompt: new Prompt(current.prompt.resolved(), "registry"),
        });
      }
      return this.cache.get(key) ?? current;
    }
    if (result.status === 304)
      throw new Error("the registry answered 304 to a request without an ETag");
    const entry: Entry = {
      name,
      label: labelOf(selector),
      version: selector.version ?? null,
      prompt: new Prompt(result.body, "registry"),
      etag: result.etag,
      pushed: 0,
    };
    this.cache.store(key, entry);
    this.hooks.fetched();
    // A change to this prompt arrived while the answer was on its way: it may predate the change.
    if ((this.changesByName.get(name) ?? 0) !== changesBefore) this.refresh(key, entry);
    return entry;
  }
}
