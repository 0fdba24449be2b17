import type { Rollout, RolloutDecision } from "@promptline/core";
import type { RolloutDecisionRow, RolloutRow } from "../storage/rollout-tables.js";

/** A rollout as the API shows it: named by its prompt's name, without storage's keys. */
export function presentRollout(row: RolloutRow): Rollout {
  const { projectId, promptId, promptName, activeKey, ...rest } = row;
  return { ...rest, name: promptName };
}

export function presentDecision(row: RolloutDecisionRow): RolloutDecision {
  return row;
}
