import type { ResolvedPrompt } from "@promptline/core";

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
