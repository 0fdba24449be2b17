import {
  Conflict,
  Forbidden,
  type GuardrailCheck,
  Invalid,
  labelMoveRefusal,
  NotFound,
  type Principal,
  type Rollout,
  type RolloutActionBody,
  type RolloutDetail,
  type RolloutListQuery,
  type StartRolloutBody,
} from "@promptline/core";
import type { Transaction } from "kysely";
import { nowIso, type ServiceContext } from "../context.js";
import { currentLabel } from "../deployment/store.js";
import type { EnvironmentService } from "../environment/service.js";
import { type RecordEvent, writeWithEvents } from "../event/write.js";
import { checkDeployGate, GateRefused, recordGateRefusal } from "../gate/deploy-check.js";
import type { PromptService } from "../prompt/service.js";
import type { Database, PromptRow } from "../storage/database.js";
import type { RolloutRow } from "../storage/rollout-tables.js";
import { requireVersion } from "../version/service.js";
import { presentDecision, presentRollout } from "./present.js";
import { planStart } from "./start.js";
import {
  activeKeyOf,
  findActiveRollout,
  findRollout,
  findRolloutsByIds,
  insertChecks,
  insertDecision,
  insertRollout,
  listActiveIds,
  listChecks,
  listDecisions,
  listRollouts,
  trafficOf,
} from "./store.js";
import { applyChange, type ChangeAction, EVENT_OF } from "./transition.js";

/** Who the guardrail monitor's decisions are recorded as. */
export const MONITOR_ACTOR = "guardrail-monitor";
/** What the detail view shows at most: the latest decisions and looks. */
const DETAIL_DECISIONS = 200;
const DETAIL_CHECKS = 500;

export type PersonAction = Exclude<ChangeAction, "rollback">;

export interface MonitorDecision {
  action: "advance" | "pause" | "promote" | "rollback";
  reason: string;
  checks: GuardrailCheck[];
  toStep?: number;
}

export interface RolloutService {
  start(principal: Principal, name: string, body: StartRolloutBody): Promise<Rollout>;
  list(principal: Principal, name: string, query: RolloutListQuery): Promise<{ items: Rollout[] }>;
  listAll(principal: Principal, query: RolloutListQuery): Promise<{ items: Rollout[] }>;
  detail(principal: Principal, name: string, id: number): Promise<RolloutDetail>;
  act(
    principal: Principal,
    name: string,
    id: number,
    action: PersonAction,
    body: RolloutActionBody,
  ): Promise<Rollout>;
  /** The ids of every project's running and paused rollouts: what the guardrail monitor watches. */
  activeRolloutIds(): Promise<number[]>;
  /** Those rollouts in full, by id (the monitor reads only the ones it looks at now). */
  rolloutsByIds(ids: readonly number[]): Promise<RolloutRow[]>;
  /** The monitor's decision, applied only if the rollout is still at the revision it looked at. */
  applyDecision(
    id: number,
    seenRevision: number,
    decision: MonitorDecision,
  ): Promise<"applied" | "stale">;
  /** One look's figures, for the charts. */
  recordChecks(id: number, checks: GuardrailCheck[]): Promise<void>;
}

/**
 * Rollouts of a prompt on an environment: started by a person, changed by a person or the
 * guardrail monitor, ended by a promote, an abort or an automatic rollback. Every change holds
 * the prompt's lock, like a label move, so rollouts and deploys serialise.
 */
export function createRolloutService(
  ctx: ServiceContext,
  prompts: PromptService,
  environments: EnvironmentService,
): RolloutService {
  const { db } = ctx.engine;

  async function checkMove(principal: Principal, name: string, environment: string) {
    const env = await environments.requireEnvironment(principal.projectId, environment);
    const refusal = labelMoveRefusal(principal, env);
    if (refusal) throw new Forbidden(refusal.replace("moving labels", "changing rollouts"));
    return prompts.requirePrompt(principal.projectId, name);
  }

  async function requireRollout(prompt: PromptRow, id: number, reader = db) {
    const row = await findRollout(reader, prompt.projectId, id);
    if (!row || row.promptId !== prompt.id) {
      throw new NotFound(`prompt '${prompt.name}' has no rollout #${id}`);
    }
    return row;
  }

  async function startIn(
    trx: Transaction<Database>,
    record: RecordEvent,
    principal: Principal,
    prompt: PromptRow,
    body: StartRolloutBody,
  ): Promise<RolloutRow> {
    await ctx.engine.lockPrompt(trx, prompt.id);
    const control = await currentLabel(trx, prompt.id, body.environment);
    if (control === undefined) {
      throw new Conflict(
        `'${body.environment}' serves no version of '${prompt.name}' yet: deploy one first, it becomes the rollout's control`,
      );
    }
    const running = await findActiveRollout(trx, prompt.id, body.environment);
    if (running) {
      throw new Conflict(
        `rollout #${running.id} is already ${running.status} on '${body.environment}': end it (promote or abort) before starting another`,
      );
    }
    const plan = planStart(body, control);
    for (const version of plan.candidates) {
      const target = await requireVersion(trx, prompt, version);
      const gate = await checkDeployGate(trx, {
        principal,
        prompt,
        environment: body.environment,
        target,
        from: control,
        override: body.override,
      });
      if (gate.event) await record(gate.event);
    }
    const at = nowIso(ctx);
    const row = await insertRollout(trx, {
      projectId: prompt.projectId,
      promptId: prompt.id,
      promptName: prompt.name,
      environment: body.environment,
      strategy: body.strategy,
      status: "running",
      control,
      candidates: plan.candidates,
      unit: body.unit,
      salt: ctx.newId(),
      split: plan.split,
      rules: body.rules,
      canary: plan.canary && { ...plan.canary, stepStartedAt: at },
      guardrails: body.guardrails,
      onBreach: body.onBreach,
      minSamples: body.minSamples,
      revision: 1,
      reason: body.reason || null,
      startedBy: principal.actor,
      startedAt: at,
      updatedAt: at,
      endedAt: null,
      endedBy: null,
      endReason: null,
      activeKey: activeKeyOf(prompt.id, body.environment),
    });
    const reason = body.reason || "started";
    await insertDecision(trx, {
      rolloutId: row.id,
      action: "start",
      automatic: false,
      actor: principal.actor,
      reason,
      fromStep: null,
      toStep: row.canary?.step ?? null,
      checks: [],
      createdAt: at,
    });
    await record({
      projectId: prompt.projectId,
      type: EVENT_OF.start,
      subject: prompt.name,
      actor: principal.actor,
      at,
      payload: {
        environment: body.environment,
        rolloutId: row.id,
        strategy: row.strategy,
        control,
        candidates: row.candidates,
        split: row.split,
        step: row.canary?.step ?? null,
        automatic: false,
        reason,
      },
    });
    return row;
  }

  return {
    async start(principal, name, body) {
      const prompt = await checkMove(principal, name, body.environment);
      try {
        const row = await writeWithEvents(ctx, (trx, record) =>
          startIn(trx, record, principal, prompt, body),
        );
        return presentRollout(row);
      } catch (error) {
        if (error instanceof GateRefused && !ctx.enclosing) await recordGateRefusal(ctx, error);
        throw error;
      }
    },

    async list(principal, name, query) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const rows = await listRollouts(db, { ...query, promptId: prompt.id });
      return { items: rows.map(presentRollout) };
    },

    async listAll(principal, query) {
      const rows = await listRollouts(db, { ...query, projectId: principal.projectId });
      return { items: rows.map(presentRollout) };
    },

    async detail(principal, name, id) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const row = await requireRollout(prompt, id);
      const [decisions, checks, traffic] = await Promise.all([
        listDecisions(db, id, DETAIL_DECISIONS),
        listChecks(db, id, DETAIL_CHECKS),
        trafficOf(db, row),
      ]);
      return {
        ...presentRollout(row),
        decisions: decisions.map(presentDecision),
        checks: checks.map((c) => ({ at: c.createdAt, checks: c.checks })),
        traffic,
      };
    },

    async act(principal, name, id, action, body) {
      if (body.version !== undefined && action !== "promote") {
        throw new Invalid("version names the candidate to promote: leave it out of other actions");
      }
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const seen = await requireRollout(prompt, id);
      await checkMove(principal, name, seen.environment);
      const row = await writeWithEvents(ctx, async (trx, record) => {
        await ctx.engine.lockPrompt(trx, prompt.id);
        const current = await requireRollout(prompt, id, trx);
        if (current.activeKey === null) {
          throw new Conflict(`rollout #${id} has ended (${current.status.replace("_", " ")})`);
        }
        if (body.expectedRevision !== undefined && body.expectedRevision !== current.revision) {
          throw new Conflict(
            `rollout #${id} changed since revision ${body.expectedRevision} (now ${current.revision}): look again before acting`,
          );
        }
        const changed = await applyChange(
          trx,
          record,
          current,
          {
            action,
            actor: principal.actor,
            automatic: false,
            reason: body.reason || `${action} by ${principal.actor}`,
            checks: [],
            version: body.version,
          },
          nowIso(ctx),
        );
        if (!changed) throw new Conflict(`rollout #${id} changed meanwhile: try again`);
        return changed;
      });
      return presentRollout(row);
    },

    activeRolloutIds: () => listActiveIds(db),
    rolloutsByIds: (ids) => findRolloutsByIds(db, ids),

    async applyDecision(id, seenRevision, decision) {
      const applied = await writeWithEvents(ctx, async (trx, record) => {
        const seen = await trx
          .selectFrom("rollouts")
          .select(["promptId"])
          .where("id", "=", id)
          .executeTakeFirst();
        if (!seen) return false;
        await ctx.engine.lockPrompt(trx, seen.promptId);
        const current = await trx
          .selectFrom("rollouts")
          .selectAll()
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
        if (current.revision !== seenRevision || current.activeKey === null) return false;
        const changed = await applyChange(
          trx,
          record,
          current,
          {
            action: decision.action,
            actor: MONITOR_ACTOR,
            automatic: true,
            reason: decision.reason,
            checks: decision.checks,
            toStep: decision.toStep,
          },
          nowIso(ctx),
        );
        if (changed) await insertChecks(trx, id, decision.checks, nowIso(ctx));
        return changed !== undefined;
      });
      return applied ? "applied" : "stale";
    },

    async recordChecks(id, checks) {
      await insertChecks(db, id, checks, nowIso(ctx));
    },
  };
}
