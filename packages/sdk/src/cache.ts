import type { Prompt } from "./prompt.js";

// Core's DEFAULT_LABEL lives in a module that loads zod; the SDK only loads core's templates.
export const DEFAULT_LABEL = "production";

/** Which version of a prompt is asked for: a label (default production) or an exact version. */
export interface Selector {
  /** The environment label to resolve. Default `production`; `latest` is the newest version. */
  label?: string;
  /** An exact version instead of a label. */
  version?: number;
}

/** Told the new prompt and the one it replaces. */
export type UpdateListener = (prompt: Prompt, previous: Prompt) => void;

export interface Entry {
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

/** The cache key of a selection: `name@label` or `name#version`. */
export function keyOf(name: string, selector: Selector): string {
  return selector.version === undefined
    ? `${name}@${selector.label ?? DEFAULT_LABEL}`
    : `${name}#${selector.version}`;
}

/** The label a selection follows, or null for an exact version. */
export function labelOf(selector: Selector): string | null {
  return selector.version === undefined ? (selector.label ?? DEFAULT_LABEL) : null;
}

/** The selection an entry was made for, to fetch it again. */
export function selectorOf(entry: Entry): Selector {
  return entry.version === null
    ? { label: entry.label ?? DEFAULT_LABEL }
    : { version: entry.version };
}

/**
 * The prompts a client holds, by key, and an index by name for the hot path (a lookup without
 * building a key string). Storing a prompt that changes version or content tells the listeners.
 */
export class PromptCache {
  private readonly entries = new Map<string, Entry>();
  /** name → label or version → prompt. */
  private readonly index = new Map<string, Map<string | number, Indexed>>();
  private readonly listeners = new Set<UpdateListener>();

  constructor(
    private readonly hooks: {
      /** After every store, e.g. to write the snapshot. */
      stored: () => void;
      /** Hears what a listener threw. */
      report: (error: unknown) => void;
    },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached prompt for a selection, answered without building its key. */
  lookup(name: string, selector?: Selector): Indexed | undefined {
    return this.index.get(name)?.get(selector?.version ?? selector?.label ?? DEFAULT_LABEL);
  }

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  [Symbol.iterator](): IterableIterator<[string, Entry]> {
    return this.entries.entries();
  }

  store(key: string, entry: Entry): void {
    const previous = this.entries.get(key)?.prompt;
    this.entries.set(key, entry);
    this.indexEntry(entry);
    this.hooks.stored();
    const changed =
      previous !== undefined &&
      (previous.version !== entry.prompt.version ||
        previous.contentHash !== entry.prompt.contentHash);
    if (!changed) return;
    for (const listener of this.listeners) {
      try {
        listener(entry.prompt, previous);
      } catch (error) {
        this.hooks.report(error);
      }
    }
  }

  /** Calls `listener` whenever a cached prompt changes; returns a function that stops the calls. */
  onUpdate(listener: UpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
}
