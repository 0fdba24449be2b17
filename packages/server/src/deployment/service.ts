import {
  Conflict,
  type DeployBody,
  type Deployment,
  type DeploymentHistoryQuery,
  type DeploymentList,
  Forbidden,
  type LabelAt,
  labelMoveRefusal,
  moveToUndo,
  type Principal,
  type RollbackBody,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { nowIso, type ServiceContext } from "../context.js";
import type { EnvironmentService } from "../environment/service.js";
import { type RecordEvent, writeWithEvents } from "../event/write.js";
import { checkDeployGate, GateRefused, recordGateRefusal } from "../gate/deploy-check.js";
import type { PromptService } from "../prompt/service.js";
import { findActiveRollout } from "../rollout/store.js";
import type { Database, DeploymentRow, NewDeployment, PromptRow } from "../storage/database.js";
import { requireVersion } from "../version/service.js";
import { currentLabel, hasServed, listMoves, moveAt, recordMove } from "./store.js";

const ALL = Number.MAX_SAFE_INTEGER;

/** A label move as the API shows it: named by the prompt's name. */
function presentDeployment(name: string, { id, promptId, ...move }: DeploymentRow): Deployment {
  return { id, name, ...move };
}

export interface DeploymentService {
  deploy(principal: Principal, name: string, body: DeployBody): Promise<Deployment>;
  rollback(principal: Principal, name: string, body: RollbackBody): Promise<Deployment>;
  history(
    principal: Principal,
    name: string,
    query: DeploymentHistoryQuery,
  ): Promise<DeploymentList>;
  labelAt(principal: Principal, name: string, environment: string, at: string): Promise<LabelAt>;
}

/**
 * Deploy = move a label to a version; rollback = move it back. Every move is recorded. A deploy
 * passes the environment's gate first; a rollback never does: it must work in seconds, and it
 * returns only to a version the environment has already served (a named toVersion it never
 * served is refused: that is a deploy).
 */
export function createDeploymentService(
  ctx: ServiceContext,
  prompts: PromptService,
  environments: EnvironmentService,
): DeploymentService {
  const { db } = ctx.engine;

  async function checkMove(
    principal: Principal,
    name: string,
    environment: string,
  ): Promise<PromptRow> {
    const env = await environments.requireEnvironment(principal.projectId, environment);
    const refusal = labelMoveRefusal(principal, env);
    if (refusal) throw new Forbidden(refusal);
    return prompts.requirePrompt(principal.projectId, name);
  }

  /** Moves the label under the prompt's lock, so concurrent moves serialise and none is lost. */
  async function move(
    principal: Principal,
    prompt: PromptRow,
    environment: string,
    plan: (
      trx: Kysely<Database>,
      from: number | undefined,
      record: RecordEvent,
    ) => Promise<
      Omit<NewDeployment, "promptId" | "environment" | "fromVersion" | "actor" | "createdAt">
    >,
  ): Promise<Deployment> {
    const recorded = await writeWithEvents(ctx, async (trx, record) => {
      await ctx.engine.lockPrompt(trx, prompt.id);
      const rollout = await findActiveRollout(trx, prompt.id, environment);
      if (rollout) {
        throw new Conflict(
          `rollout #${rollout.id} (v${rollout.control} → ${rollout.candidates.map((v) => `v${v}`).join(", ")}) is ${rollout.status} on '${environment}': promote or abort it before moving the label`,
          { rolloutId: rollout.id },
        );
      }
      const from = await currentLabel(trx, prompt.id, environment);
      const planned = await plan(trx, from, record);
      const at = nowIso(ctx);
      const move = await recordMove(trx, {
        ...planned,
        promptId: prompt.id,
        environment,
        fromVersion: from ?? null,
        actor: principal.actor,
        createdAt: at,
      });
      await record({
        projectId: prompt.projectId,
        type: planned.kind === "deploy" ? "label.deployed" : "label.rolled_back",
        subject: prompt.name,
        payload: { environment, from: from ?? null, to: planned.toVersion, reason: planned.reason },
        actor: principal.actor,
        at,
      });
      return move;
    });
    return presentDeployment(prompt.name, recorded);
  }

  return {
    async deploy(principal, name, body) {
      const prompt = await checkMove(principal, name, body.environment);
      try {
        return await move(principal, prompt, body.environment, async (trx, from, record) => {
          const target = await requireVersion(trx, prompt, body.version);
          const gate = await checkDeployGate(trx, {
            principal,
            prompt,
            environment: body.environment,
            target,
            from,
            override: body.override,
          });
          if (gate.event) await record(gate.event);
          return {
            kind: "deploy",
            toVersion: body.version,
            revertsId: null,
            reason: body.reason || null,
            gateOverride: gate.gateOverride,
          };
        });
      } catch (error) {
        // Inside a larger write (the Langfuse API's), its owner records the refusal.
        if (error instanceof GateRefused && !ctx.enclosing) await recordGateRefusal(ctx, error);
        throw error;
      }
    },

    async rollback(principal, name, body) {
      const prompt = await checkMove(principal, name, body.environment);
      return move(principal, prompt, body.environment, async (trx, from) => {
        if (from === undefined) {
          throw new Conflict(
            `'${body.environment}' has never served '${name}': there is nothing to roll back`,
          );
        }
        if (body.toVersion !== undefined) {
          await requireVersion(trx, prompt, body.toVersion);
          // A rollback skips the gate, so it may only return to what this environment has served.
          if (
            body.toVersion !== from &&
            !(await hasServed(trx, prompt.id, body.environment, body.toVersion))
          ) {
            throw new Conflict(
              `'${body.environment}' has never served v${body.toVersion} of '${name}': deploy it instead, through its gate`,
            );
          }
          return {
            kind: "rollback",
            toVersion: body.toVersion,
            revertsId: null,
            reason: body.reason || null,
          };
        }
        const undo = moveToUndo(
          await listMoves(trx, prompt.id, { environment: body.environment, limit: ALL }),
        );
        if (!undo || undo.fromVersion === null) {
          throw new Conflict(
            `'${body.environment}' has no earlier version of '${name}' to roll back to — name one with toVersion`,
          );
        }
        return {
          kind: "rollback",
          toVersion: undo.fromVersion,
          revertsId: undo.id,
          reason: body.reason || null,
        };
      });
    },

    async history(principal, name, query) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const moves = await listMoves(db, prompt.id, query);
      return {
        items: moves.map((m) => presentDeployment(name, m)),
        nextCursor: moves.length === query.limit ? (moves.at(-1)?.id ?? null) : null,
      };
    },

    async labelAt(principal, name, environment, at) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      await environments.requireEnvironment(principal.projectId, environment);
      const utc = new Date(at).toISOString();
      const last = await moveAt(db, prompt.id, environment, utc);
      return {
        name,
        environment,
        at: utc,
        version: last?.toVersion ?? null,
        deployment: last ? presentDeployment(name, last) : null,
      };
    },
  };
}
