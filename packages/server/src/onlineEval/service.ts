/**
 * The online-evaluation rules: per prompt and environment, what share of production calls is
 * scored and by which scorers. Rules are kept in memory per project for the sampler (which
 * looks at every stored trace) and dropped when any instance changes them.
 */
import {
  Invalid,
  NotFound,
  type OnlineEvalRule,
  type OnlineEvalRuleBody,
  type Principal,
} from "@promptline/core";
import { scorerListProblem } from "@promptline/core/scorers";
import { InvalidatingCache } from "../cache/invalidating-cache.js";
import { nowIso, type ServiceContext } from "../context.js";
import { findEnvironment } from "../environment/store.js";
import { writeWithEvents } from "../event/write.js";
import { findPromptByName } from "../prompt/store.js";
import { deleteRule, listRules, type OnlineEvalRuleRow, upsertRule } from "./store.js";

/** A project's rules by prompt name and environment. */
export type RuleIndex = ReadonlyMap<string, OnlineEvalRuleRow>;

export const ruleKey = (promptName: string, environment: string) =>
  `${promptName}\u0000${environment}`;

export interface OnlineEvalService {
  listRules(principal: Principal, prompt?: string): Promise<OnlineEvalRule[]>;
  setRule(
    principal: Principal,
    prompt: string,
    environment: string,
    body: OnlineEvalRuleBody,
  ): Promise<OnlineEvalRule>;
  removeRule(principal: Principal, prompt: string, environment: string): Promise<void>;
  /** The project's rules, from memory once loaded. */
  rulesFor(projectId: string): Promise<RuleIndex>;
}

function present(row: OnlineEvalRuleRow): OnlineEvalRule {
  return {
    prompt: row.promptName,
    environment: row.environment,
    rate: row.rate,
    scorers: row.scorers,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

export function createOnlineEvalService(ctx: ServiceContext): OnlineEvalService {
  const { db } = ctx.engine;
  const rules = new InvalidatingCache<RuleIndex>(10_000, 1);
  ctx.engine.onChange(
    (change) => {
      if (change.kind === "online_eval") rules.invalidate(change.projectId);
    },
    () => rules.clear(),
  );

  /** The prompt and the environment must exist, and so must every judge prompt named. */
  async function checkTargets(
    projectId: string,
    prompt: string,
    environment: string,
    body?: OnlineEvalRuleBody,
  ): Promise<void> {
    const [found, env] = await Promise.all([
      findPromptByName(db, projectId, prompt),
      findEnvironment(db, projectId, environment),
    ]);
    if (!found) throw new NotFound(`no prompt named '${prompt}' in this project`);
    if (!env) {
      throw new NotFound(
        `no environment named '${environment}' in this project: create it first, or use one listed by GET /api/v1/environments`,
      );
    }
    const scorerProblem = body && scorerListProblem(body.scorers);
    if (scorerProblem) throw new Invalid(scorerProblem);
    for (const [index, spec] of (body?.scorers ?? []).entries()) {
      if (spec.type === "judge" && !(await findPromptByName(db, projectId, spec.prompt))) {
        throw new Invalid(
          `scorers.${index}.prompt: no judge prompt named '${spec.prompt}' in this project`,
        );
      }
    }
  }

  return {
    async listRules(principal, prompt) {
      return (await listRules(db, principal.projectId, prompt)).map(present);
    },

    async setRule(principal, prompt, environment, body) {
      await checkTargets(principal.projectId, prompt, environment, body);
      const row: OnlineEvalRuleRow = {
        projectId: principal.projectId,
        promptName: prompt,
        environment,
        rate: body.rate,
        scorers: body.scorers,
        updatedAt: nowIso(ctx),
        updatedBy: principal.actor,
      };
      await writeWithEvents(ctx, async (trx, record) => {
        await upsertRule(trx, row);
        await record({
          projectId: principal.projectId,
          type: "online_eval.rule_set",
          subject: prompt,
          payload: { environment, rate: body.rate, scorers: body.scorers },
          actor: principal.actor,
        });
      });
      return present(row);
    },

    async removeRule(principal, prompt, environment) {
      await checkTargets(principal.projectId, prompt, environment);
      const removed = await writeWithEvents(ctx, async (trx, record) => {
        const count = await deleteRule(trx, principal.projectId, prompt, environment);
        if (count > 0) {
          await record({
            projectId: principal.projectId,
            type: "online_eval.rule_removed",
            subject: prompt,
            payload: { environment },
            actor: principal.actor,
          });
        }
        return count;
      });
      if (removed === 0) {
        throw new NotFound(`prompt '${prompt}' has no online-evaluation rule for '${environment}'`);
      }
    },

    async rulesFor(projectId) {
      return (
        rules.get(projectId, "") ??
        rules.load(projectId, "", async () => {
          const rows = await listRules(db, projectId);
          return new Map(rows.map((r) => [ruleKey(r.promptName, r.environment), r]));
        })
      );
    },
  };
}
