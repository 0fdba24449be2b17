import type { ResolvedPrompt } from "@promptline/core";
import type { Entry, PromptCache } from "./cache.js";
import { Prompt } from "./prompt.js";
import { isAssignable } from "./rollout.js";

export interface SnapshotEntry {
  key: string;
  resolved: ResolvedPrompt;
  etag: string | null;
}

interface SnapshotFile {
  format: "promptline-snapshot/1";
  savedAt: string;
  entries: SnapshotEntry[];
}

/** Enough of an entry to serve it: a damaged or hand-edited file must not break the app. */
function isUsable(entry: unknown): entry is SnapshotEntry {
  const e = entry as Partial<SnapshotEntry> | null;
  const r = e?.resolved;
  const content = r?.content as { type?: unknown; text?: unknown; messages?: unknown } | undefined;
  const validContent =
    content?.type === "text"
      ? typeof content.text === "string"
      : content?.type === "chat" && Array.isArray(content.messages);
  return (
    typeof e?.key === "string" &&
    typeof r?.name === "string" &&
    Number.isInteger(r.version) &&
    typeof r.semver === "string" &&
    Array.isArray(r.variables) &&
    validContent
  );
}

/** The last known good prompts of a previous run, or nothing if there is no usable snapshot. */
export async function readSnapshot(path: string): Promise<SnapshotEntry[]> {
  const { readFile } = await import("node:fs/promises");
  try {
    const file = JSON.parse(await readFile(path, "utf8")) as SnapshotFile;
    return file.format === "promptline-snapshot/1" && Array.isArray(file.entries)
      ? file.entries.filter(isUsable)
      : [];
  } catch {
    return [];
  }
}

/** Writes the snapshot atomically: a reader sees the old file or the new one, never half of one. */
export async function writeSnapshot(path: string, entries: SnapshotEntry[]): Promise<void> {
  const { rename, writeFile } = await import("node:fs/promises");
  const file: SnapshotFile = {
    format: "promptline-snapshot/1",
    savedAt: new Date().toISOString(),
    entries,
  };
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(file), { mode: 0o600 });
  await rename(temporary, path);
}

/** A cache entry for a prompt of the snapshot, served as such until the registry confirms it. */
export function entryOf({ key, resolved, etag }: SnapshotEntry): Entry {
  const exact = key.includes("#");
  // A rollout definition the file damaged is dropped: the label's control is served instead.
  const { rollout, ...rest } = resolved;
  return {
    name: resolved.name,
    label: exact ? null : key.slice(key.lastIndexOf("@") + 1),
    version: exact ? resolved.version : null,
    prompt: new Prompt(isAssignable(rollout) ? resolved : rest, "snapshot"),
    etag,
    pushed: 0,
  };
}

/**
 * Keeps the snapshot file up to date: a change is written shortly after it (changes in between
 * are written together), one write at a time, and close() writes what is pending. Each label's
 * rollout definition is kept with it, and the versions it may serve beside it, so a restarted app
 * assigns callers as before.
 */
export class SnapshotWriter {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly cache: PromptCache,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Writes the cache soon. */
  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.save(), 50);
    this.timer.unref?.();
  }

  /** Writes what is pending, if anything, and waits for every write; later changes are not saved. */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.save();
    }
    return this.writing;
  }

  private save(): void {
    this.timer = undefined;
    const entries: SnapshotEntry[] = [];
    for (const [key, entry] of this.cache) {
      entries.push({ key, etag: entry.etag, resolved: entry.prompt.resolved() });
    }
    this.writing = this.writing
      .then(() => writeSnapshot(this.path, entries))
      .catch((error) => this.report(error));
  }
}
