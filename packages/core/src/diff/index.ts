import { createPatch, createTwoFilesPatch, diffArrays } from "diff";
import type { PromptContent, PromptMessage } from "../prompt/content.js";
import type { FieldChange } from "../version/api.js";
import { canonicalJson } from "../version/canonical.js";

export type ChangeKind = FieldChange["kind"];

export interface ContentDiff {
  identical: boolean;
  changes: FieldChange[];
  /** The whole content of both sides as one unified diff, for people and `git apply`-style tools. */
  unified: string;
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function textPatch(path: string, before: string, after: string): string {
  return createPatch(path, withNewline(before), withNewline(after), "", "", { context: 3 });
}

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** Field-by-field changes between two records (config, constraints, variable schema). */
function diffRecord(prefix: string, before: object = {}, after: object = {}): FieldChange[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const path = `${prefix}.${key}`;
    if (a[key] === undefined && b[key] !== undefined)
      changes.push({ path, kind: "added", after: b[key] });
    else if (a[key] !== undefined && b[key] === undefined)
      changes.push({ path, kind: "removed", before: a[key] });
    else if (!same(a[key], b[key]))
      changes.push({ path, kind: "changed", before: a[key], after: b[key] });
  }
  return changes;
}

function diffMessagePair(index: number, a: PromptMessage, b: PromptMessage): FieldChange[] {
  const path = `messages[${index}]`;
  if ("role" in a && "role" in b) {
    const changes: FieldChange[] = [];
    if (a.role !== b.role)
      changes.push({ path: `${path}.role`, kind: "changed", before: a.role, after: b.role });
    if (a.content !== b.content) {
      changes.push({
        path: `${path}.content`,
        kind: "changed",
        before: a.content,
        after: b.content,
        patch: textPatch(`${path}.content`, a.content, b.content),
      });
    }
    return changes;
  }
  return [{ path, kind: "changed", before: a, after: b }];
}

/**
 * Aligns messages by content (an inserted message is one addition, not a cascade of changes),
 * then pairs a removal directly followed by an addition as an edit of that message.
 */
function diffMessages(before: PromptMessage[], after: PromptMessage[]): FieldChange[] {
  const keyed = (ms: PromptMessage[]) => ms.map((m) => canonicalJson(m));
  const hunks = diffArrays(keyed(before), keyed(after));
  const changes: FieldChange[] = [];
  let i = 0;
  let j = 0;
  for (let h = 0; h < hunks.length; h++) {
    const hunk = hunks[h];
    if (!hunk) continue;
    if (!hunk.added && !hunk.removed) {
      i += hunk.count;
      j += hunk.count;
      continue;
    }
    const next = hunks[h + 1];
    if (hunk.removed && next?.added) {
      const paired = Math.min(hunk.count, next.count);
      for (let k = 0; k < paired; k++) {
        changes.push(
          ...diffMessagePair(j + k, before[i + k] as PromptMessage, after[j + k] as PromptMessage),
        );
      }
      for (let k = paired; k < hunk.count; k++) {
        changes.push({ path: `messages[${i + k}]`, kind: "removed", before: before[i + k] });
      }
      for (let k = paired; k < next.count; k++) {
        changes.push({ path: `messages[${j + k}]`, kind: "added", after: after[j + k] });
      }
      i += hunk.count;
      j += next.count;
      h++;
    } else if (hunk.removed) {
      for (let k = 0; k < hunk.count; k++) {
        changes.push({ path: `messages[${i + k}]`, kind: "removed", before: before[i + k] });
      }
      i += hunk.count;
    } else {
      for (let k = 0; k < hunk.count; k++) {
        changes.push({ path: `messages[${j + k}]`, kind: "added", after: after[j + k] });
      }
      j += hunk.count;
    }
  }
  return changes;
}

/** A content as a readable document: what the unified diff is taken over. */
export function renderContent(content: PromptContent): string {
  const lines: string[] = [`type: ${content.type}`];
  if (content.type === "text") lines.push("", "--- text ---", content.text);
  else {
    content.messages.forEach((m, i) => {
      if ("role" in m) lines.push("", `--- messages[${i}] ${m.role} ---`, m.content);
      else lines.push("", `--- messages[${i}] placeholder ---`, `{{${m.name}}} (message list)`);
    });
  }
  for (const section of ["variables", "config", "constraints"] as const) {
    const value = content[section];
    if (value && Object.keys(value).length > 0) {
      lines.push("", `--- ${section} ---`, JSON.stringify(value, null, 2));
    }
  }
  return `${lines.join("\n")}\n`;
}

export function diffContents(
  before: PromptContent,
  after: PromptContent,
  names: { from: string; to: string } = { from: "before", to: "after" },
): ContentDiff {
  const changes: FieldChange[] = [];
  if (before.type !== after.type) {
    changes.push({ path: "type", kind: "changed", before: before.type, after: after.type });
  } else if (before.type === "text" && after.type === "text" && before.text !== after.text) {
    changes.push({
      path: "text",
      kind: "changed",
      before: before.text,
      after: after.text,
      patch: textPatch("text", before.text, after.text),
    });
  } else if (before.type === "chat" && after.type === "chat") {
    changes.push(...diffMessages(before.messages, after.messages));
  }
  changes.push(...diffRecord("variables", before.variables, after.variables));
  changes.push(...diffRecord("config", before.config, after.config));
  changes.push(...diffRecord("constraints", before.constraints, after.constraints));
  const unified = createTwoFilesPatch(
    names.from,
    names.to,
    renderContent(before),
    renderContent(after),
    "",
    "",
    { context: 3 },
  );
  return { identical: changes.length === 0, changes, unified };
}
