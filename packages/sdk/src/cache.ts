import type { AssignmentContext } from "@promptline/core/rollout";
import type { Prompt } from "./prompt.js";
import { isAssignable, RolloutArms, type Served, served } from "./rollout.js";

// Core's DEFAULT_LABEL lives in a module that loads zod; the SDK only loads core's templates.
export const DEFAULT_LABEL = "production";

/** Which version of a prompt is asked for: a label (default production) or an exact version. */
export interface Selector {
  /** The environment label to resolve. Default `production`; `latest` is the newest version. */
  label?: string;
  /** An exact version instead of a label. */
  version?: number;
  /**
   * The caller's attributes (`userId`, plan, region …): while a rollout runs on the label, they
   * choose the version, as the rollout's unit attribute and targeting rules say.
   */
  context?: AssignmentContext;
}

/** Which rollout runs on a label, at which revision: a change to it changes who gets what. */
const revisionOf = (prompt: Prompt) =>
  prompt.rollout ? `${prompt.rollout.id}.${prompt.rollout.revision}` : null;

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

/** A cached prompt, and how to assign callers while a rollout runs on its label. */
interface Indexed extends Served {
  arms?: RolloutArms;
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
 * building a key string). Storing a prompt that changes version, content or rollout tells the
 * listeners.
 */
export class PromptCache {
  private readonly entries = new Map<string, Entry>();
  /** name → label or version → prompt. */
  private readonly index = new Map<string, Map<string | number, Indexed>>();
  private readonly listeners = new Set<UpdateListener>();

  constructor(
    private readonly hooks: {
      /** After every store, e.g. to write the snapshot or fetch a rollout's candidates. */
      stored: (entry: Entry) => void;
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

  /** What a selection serves this caller: assigned by the label's rollout when one runs. */
  serve(name: string, selector?: Selector): Served | undefined {
    const hit = this.lookup(name, selector);
    return hit?.arms && selector?.context ? hit.arms.pick(selector.context) : hit;
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
    this.hooks.stored(entry);
    const changed =
      previous !== undefined &&
      (previous.version !== entry.prompt.version ||
        previous.contentHash !== entry.prompt.contentHash ||
        revisionOf(previous) !== revisionOf(entry.prompt));
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
    const plain: Indexed = served(entry.prompt);
    const { rollout } = entry.prompt;
    if (entry.version === null && isAssignable(rollout)) {
      plain.arms = new RolloutArms(rollout, plain, byName);
    }
    byName.set(entry.version ?? entry.label ?? DEFAULT_LABEL, plain);
  }
}
