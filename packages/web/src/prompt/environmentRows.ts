import {
  type Environment,
  labelMoveRefusal,
  moveToUndo,
  type PromptVersion,
  type Role,
  type Rollout,
} from "@promptline/core";
import { actorName } from "../actors.js";
import type { Deployment } from "./queries.js";

/** What a rollback of one environment would do, or why there is none to make. */
export type RollbackPlan = { target: number; text: string } | { none: string };

/** What a rollback of this environment would do, in words, or why there is nothing to undo. */
export function rollbackPlan(
  environment: string,
  history: Deployment[],
  current: number | undefined,
): RollbackPlan {
  const move = moveToUndo(history.filter((d) => d.environment === environment));
  if (!move) return { none: `Nothing to roll back: no deployment to ${environment} left to undo.` };
  const target = move.fromVersion;
  if (target === null) {
    return {
      none: `Nothing to roll back to: v${move.toVersion} is the first version ${environment} served.`,
    };
  }
  const by = history.find((d) => d.id === move.id);
  return {
    target,
    text: `Roll back ${environment} from v${current} to v${target}, undoing the ${by?.kind ?? "move"} to v${move.toVersion} by ${by ? actorName(by.actor) : "?"} at ${by ? new Date(by.createdAt).toLocaleString() : "?"}?`,
  };
}

/** One environment as the panel shows it: what it serves and what may be done to it, and why not. */
export interface EnvironmentRow {
  environment: Environment;
  /** The version it serves, if any. */
  current: number | undefined;
  /** The version picked to deploy (the newest until another is picked). */
  selected: number | undefined;
  rollback: RollbackPlan;
  /** The newest deployment or rollback of it. */
  last: Deployment | undefined;
  /** Why the signed-in key may move neither way, said before anyone clicks. */
  refusal: string | undefined;
  /** Why Deploy is off, when the key may move it: nothing to deploy, or it is what is served. */
  cannotDeploy: string | undefined;
  /** Why Roll back is off, when the key may move it. */
  cannotRollBack: string | undefined;
  /** The rollout running (or paused) on it, which holds its label until it ends. */
  rollout: Rollout | undefined;
  /** Why no rollout can start on it, when the key may move it. */
  cannotStart: string | undefined;
}

/** Each environment with what it serves, what may be done to it, and why not, for the panel. */
export function environmentRows({
  environments,
  labels,
  versions,
  history,
  choice,
  role,
  rollouts = new Map(),
}: {
  environments: Environment[];
  labels: Record<string, number>;
  /** Newest first. */
  versions: PromptVersion[];
  /** Newest first. */
  history: Deployment[];
  choice: Record<string, number>;
  role: Role | undefined;
  /** Environment → its running or paused rollout. */
  rollouts?: Map<string, Rollout>;
}): EnvironmentRow[] {
  return environments.map((environment) => {
    const { name } = environment;
    const current = labels[name];
    const selected = choice[name] ?? versions[0]?.version;
    const rollback = rollbackPlan(name, history, current);
    const refusal = role && labelMoveRefusal({ role }, environment);
    const rollout = rollouts.get(name);
    const held = rollout ? `A rollout runs on ${name}: promote or abort it first.` : undefined;
    return {
      environment,
      current,
      selected,
      rollback,
      last: history.find((d) => d.environment === name),
      refusal,
      cannotDeploy: refusal
        ? undefined
        : held
          ? held
          : selected === undefined
            ? "Nothing is published yet: publish a version to deploy it."
            : selected === current
              ? `${name} serves v${current} already: pick another version to deploy.`
              : undefined,
      cannotRollBack: refusal
        ? undefined
        : (held ?? ("none" in rollback ? rollback.none : undefined)),
      rollout,
      cannotStart:
        refusal || rollout
          ? undefined
          : current === undefined
            ? `${name} serves nothing yet: deploy a version before rolling out the next.`
            : versions.every((v) => v.version === current)
              ? `Only v${current} is published: publish another version to roll it out.`
              : undefined,
    };
  });
}
