import { diffSentences } from "diff";
import type { ContentDiff } from "../diff/index.js";
import type { PromptContent } from "../prompt/content.js";
import { extractVariables, placeholdersOf } from "../template/index.js";
import type { BumpReason, BumpSuggestion, FieldChange } from "./api.js";
import { highestBump } from "./semver.js";

const MAJOR_CONFIG = new Set(["responseFormat"]);
const MINOR_CONFIG = new Set(["provider", "model", "tools"]);

function setDifference(a: string[], b: string[]): string[] {
  const other = new Set(b);
  return a.filter((x) => !other.has(x));
}

function countSentences(text: string): number {
  return text.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== "").length;
}

/** How many sentences an edit adds (new instructions or examples); 0 or less means rewording. */
function addsSentences(before: string, after: string): number {
  let added = 0;
  let removed = 0;
  for (const part of diffSentences(before, after)) {
    if (part.added) added += countSentences(part.value);
    if (part.removed) removed += countSentences(part.value);
  }
  return added - removed;
}

function reasonForChange(change: FieldChange): BumpReason | undefined {
  const [section, field] = change.path.split(".");
  if (change.path === "type") return { level: "major", reason: "prompt type changed" };
  if (section === "config") {
    if (MAJOR_CONFIG.has(field ?? ""))
      return { level: "major", reason: "output format changed (config.responseFormat)" };
    if (MINOR_CONFIG.has(field ?? ""))
      return { level: "minor", reason: `model config changed (${change.path})` };
    return { level: "patch", reason: `model parameter changed (${change.path})` };
  }
  if (section === "constraints")
    return { level: "major", reason: `output constraints changed (${change.path})` };
  if (section === "variables") {
    const before = change.before as { type?: string; required?: boolean } | undefined;
    const after = change.after as { type?: string; required?: boolean } | undefined;
    if (
      change.kind === "changed" &&
      before?.type === after?.type &&
      before?.required === after?.required
    ) {
      return { level: "patch", reason: `variable description or default changed (${change.path})` };
    }
    return { level: "major", reason: `variable schema changed (${change.path})` };
  }
  if (change.kind === "added") return { level: "minor", reason: `message added (${change.path})` };
  if (change.kind === "removed")
    return { level: "minor", reason: `message removed (${change.path})` };
  if (change.path.endsWith(".role"))
    return { level: "minor", reason: `message role changed (${change.path})` };
  if (typeof change.before === "string" && typeof change.after === "string") {
    const added = addsSentences(change.before, change.after);
    return added > 0
      ? {
          level: "minor",
          reason: `instructions added: ${added} sentence(s) more in ${change.path}`,
        }
      : { level: "patch", reason: `wording changed in ${change.path}` };
  }
  return { level: "minor", reason: `${change.path} changed` };
}

/**
 * Suggests the semantic-version bump for publishing `after` on top of `before`: a changed
 * contract (variables, placeholders, output format) is major, new instructions are minor,
 * rewording is patch.
 */
export function suggestBump(
  before: PromptContent,
  after: PromptContent,
  diff: ContentDiff,
): BumpSuggestion {
  const reasons: BumpReason[] = [];
  if (before.type === after.type) {
    const names = (c: PromptContent) => extractVariables(c).map((v) => v.name);
    const added = setDifference(names(after), names(before));
    const removed = setDifference(names(before), names(after));
    if (added.length > 0)
      reasons.push({ level: "major", reason: `variables added: ${added.join(", ")}` });
    if (removed.length > 0)
      reasons.push({ level: "major", reason: `variables removed: ${removed.join(", ")}` });
    const placeholdersChanged =
      setDifference(placeholdersOf(after), placeholdersOf(before)).length +
      setDifference(placeholdersOf(before), placeholdersOf(after)).length;
    if (placeholdersChanged > 0)
      reasons.push({ level: "major", reason: "message placeholders changed" });
  }
  for (const change of diff.changes) {
    const reason = reasonForChange(change);
    if (reason) reasons.push(reason);
  }
  return { level: highestBump(reasons.map((r) => r.level)), reasons };
}
