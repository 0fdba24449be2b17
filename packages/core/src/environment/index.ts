import { z } from "zod";

/** `latest` is not an environment: it always means the newest version and cannot be moved. */
export const LATEST = "latest";
export const DEFAULT_ENVIRONMENTS = [
  { name: "production", protected: true },
  { name: "staging", protected: false },
  { name: "development", protected: false },
] as const;
export const DEFAULT_LABEL = "production";

export const environmentNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    "an environment name has 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit (e.g. eu-prod)",
  )
  .refine(
    (name) => name !== LATEST,
    "'latest' is managed automatically and cannot be an environment",
  );

/** What a label move looked like: enough to replay the label's history. */
export interface LabelMove {
  id: number;
  fromVersion: number | null;
  toVersion: number;
  /** Set on a rollback that undid an earlier move. */
  revertsId: number | null;
}

/**
 * The move a plain rollback undoes, or undefined when there is nothing to undo. Rollbacks stack:
 * deploy v1, v2, v3 then two rollbacks give v2 then v1 — each rollback undoes the newest move
 * that no rollback has undone yet. `history` is newest first.
 */
export function moveToUndo(history: LabelMove[]): LabelMove | undefined {
  const undone = new Set<number>();
  for (const move of history) {
    if (undone.has(move.id)) continue;
    // An aborted rollout's move leaves the label where it was: there is nothing in it to undo.
    if (move.fromVersion === move.toVersion) continue;
    if (move.revertsId !== null) {
      undone.add(move.revertsId);
      continue;
    }
    return move;
  }
  return undefined;
}
