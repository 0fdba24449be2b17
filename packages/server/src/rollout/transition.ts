/**
 * A change to an active rollout, by a person or by the guardrail monitor: the new state, the
 * decision with its reason and figures, the audit and change-feed events, and for the endings
 * (promote, abort, rollback) the label move in the deployment history. Applied only to the
 * revision its author saw.
 */
import {
  Conflict,
  type GuardrailCheck,
  type RolloutAction,
  type RolloutStatus,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { recordMove } from "../deployment/store.js";
import type { RecordEvent } from "../event/write.js";
import type { Database } from "../storage/database.js";
import type { RolloutRow } from "../storage/rollout-tables.js";
import { canarySplit } from "./start.js";
import { insertDecision, updateRollout } from "./store.js";

export type ChangeAction = Exclude<RolloutAction, "start">;

export interface RolloutChange {
  action: ChangeAction;
  actor: string;
  automatic: boolean;
  reason: string;
  checks: GuardrailCheck[];
  /** advance: the step to go to (the next by default). */
  toStep?: number | undefined;
  /** promote: the candidate that becomes the label's version (the only one by default). */
  version?: number | undefined;
}

/** The audit event of each change. */
export const EVENT_OF = {
  start: "rollout.started",
  advance: "rollout.advanced",
  pause: "rollout.paused",
  resume: "rollout.resumed",
  promote: "rollout.promoted",
  abort: "rollout.aborted",
  rollback: "rollout.rolled_back",
} as const;

const ENDED: Partial<Record<ChangeAction, RolloutStatus>> = {
  promote: "promoted",
  abort: "aborted",
  rollback: "rolled_back",
};

type Patch = Partial<Omit<RolloutRow, "id" | "revision">>;

/** The state a change leads to, or a Conflict saying why it can't be made now. */
function patchFor(row: RolloutRow, change: RolloutChange, at: string): Patch {
  const label = `rollout #${row.id}`;
  switch (change.action) {
    case "advance": {
      if (!row.canary) throw new Conflict(`${label} is a split: it has no steps to advance`);
      const next = change.toStep ?? row.canary.step + 1;
      const step = row.canary.steps[next];
      if (next <= row.canary.step || !step) {
        throw new Conflict(
          next >= row.canary.steps.length
            ? `${label} is at its last step: promote it to give the candidate everyone`
            : `${label} is at step ${row.canary.step + 1}: it only advances`,
        );
      }
      return {
        split: canarySplit(row.candidates[0] as number, row.control, step.weight),
        canary: { ...row.canary, step: next, stepStartedAt: at },
      };
    }
    case "pause":
      if (row.status !== "running") throw new Conflict(`${label} is already paused`);
      return { status: "paused" };
    case "resume":
      if (row.status !== "paused") throw new Conflict(`${label} is not paused`);
      return { status: "running" };
    default:
      return {
        status: ENDED[change.action] as RolloutStatus,
        activeKey: null,
        endedAt: at,
        endedBy: change.actor,
        endReason: change.reason,
      };
  }
}

/** The candidate a promote makes the label's version. */
function promoted(row: RolloutRow, version: number | undefined): number {
  if (version === undefined) {
    if (row.candidates.length === 1) return row.candidates[0] as number;
    throw new Conflict(
      `rollout #${row.id} has several candidates (${row.candidates.map((v) => `v${v}`).join(", ")}): name the one to promote (version)`,
    );
  }
  if (!row.candidates.includes(version)) {
    throw new Conflict(`v${version} is not a candidate of rollout #${row.id}`);
  }
  return version;
}

/**
 * Applies the change inside the caller's transaction (which holds the prompt's lock). Returns the
 * rollout as changed, or undefined when it is no longer at `row.revision` or no longer active.
 */
export async function applyChange(
  trx: Kysely<Database>,
  record: RecordEvent,
  row: RolloutRow,
  change: RolloutChange,
  at: string,
): Promise<RolloutRow | undefined> {
  const target = change.action === "promote" ? promoted(row, change.version) : undefined;
  const updated = await updateRollout(trx, row.id, row.revision, {
    ...patchFor(row, change, at),
    updatedAt: at,
  });
  if (!updated) return undefined;
  await insertDecision(trx, {
    rolloutId: row.id,
    action: change.action,
    automatic: change.automatic,
    actor: change.actor,
    reason: change.reason,
    fromStep: row.canary?.step ?? null,
    toStep: updated.canary?.step ?? null,
    checks: change.checks,
    createdAt: at,
  });
  const base = { projectId: row.projectId, subject: row.promptName, actor: change.actor, at };
  await record({
    ...base,
    type: EVENT_OF[change.action],
    payload: {
      environment: row.environment,
      rolloutId: row.id,
      control: row.control,
      candidates: row.candidates,
      split: updated.split,
      step: updated.canary?.step ?? null,
      automatic: change.automatic,
      reason: change.reason,
    },
  });
  if (ENDED[change.action]) {
    // The label moves to the promoted candidate, or stays on the control: either way a move in
    // the history, with the rollout and the reason beside it.
    const to = target ?? row.control;
    const kind = change.action === "promote" ? "deploy" : "rollback";
    await recordMove(trx, {
      promptId: row.promptId,
      environment: row.environment,
      kind,
      fromVersion: row.control,
      toVersion: to,
      revertsId: null,
      actor: change.actor,
      reason: `rollout #${row.id} ${updated.status.replace("_", " ")}: ${change.reason}`,
      rolloutId: row.id,
      createdAt: at,
    });
    await record({
      ...base,
      type: kind === "deploy" ? "label.deployed" : "label.rolled_back",
      payload: {
        environment: row.environment,
        from: row.control,
        to,
        reason: change.reason,
        rolloutId: row.id,
      },
    });
  }
  return updated;
}
