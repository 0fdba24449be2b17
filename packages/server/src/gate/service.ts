import {
  type BumpLevel,
  Conflict,
  candidateIndex,
  type EnvironmentGate,
  type GatePolicy,
  type GateVerdict,
  Invalid,
  NotFound,
  type Principal,
  type PromptGates,
  type RecommendedGate,
  recommendedGatePolicy,
  scorerName,
  Unprocessable,
} from "@promptline/core";
import { nowIso, type ServiceContext } from "../context.js";
import { requireDataset } from "../dataset/registry.js";
import { findDatasetByName } from "../dataset/store.js";
import { currentLabel } from "../deployment/store.js";
import type { EnvironmentService } from "../environment/service.js";
import { listEnvironments } from "../environment/store.js";
import { findRun, latestRunOnDataset } from "../evalRun/store.js";
import { writeWithEvents } from "../event/write.js";
import type { PromptService } from "../prompt/service.js";
import type { GatePolicyRow } from "../storage/database.js";
import { requireVersion } from "../version/service.js";
import { findVersion } from "../version/store.js";
import { deleteGatePolicy, findGatePolicy, listGatePolicies, saveGatePolicy } from "./store.js";
import { evidenceOfVersion, evidenceWithRun, levelOfDeploy, verdictOf } from "./verdict.js";

export interface GateService {
  getPolicy(principal: Principal, environment: string): Promise<EnvironmentGate>;
  setPolicy(
    principal: Principal,
    environment: string,
    policy: GatePolicy,
  ): Promise<EnvironmentGate>;
  removePolicy(principal: Principal, environment: string): Promise<void>;
  recommended(principal: Principal, dataset: string): Promise<RecommendedGate>;
  promptStatus(principal: Principal, name: string, version?: number): Promise<PromptGates>;
  runGate(
    principal: Principal,
    runId: string,
    query: { environment?: string | undefined; level?: BumpLevel | undefined },
  ): Promise<GateVerdict>;
}

function present(environment: string, row: GatePolicyRow | undefined): EnvironmentGate {
  return {
    environment,
    policy: row?.policy ?? null,
    updatedAt: row?.updatedAt ?? null,
    updatedBy: row?.updatedBy ?? null,
  };
}

/** The datasets a policy names, each once. */
function datasetsOf(policy: GatePolicy): string[] {
  const rules = [policy.patch, policy.minor, policy.major];
  return [...new Set(rules.flatMap((rule) => rule?.requirements.map((r) => r.dataset) ?? []))];
}

/** Gate policies per environment, and what they say about versions and runs. */
export function createGateService(
  ctx: ServiceContext,
  prompts: PromptService,
  environments: EnvironmentService,
): GateService {
  const { db } = ctx.engine;

  return {
    async getPolicy(principal, environment) {
      await environments.requireEnvironment(principal.projectId, environment);
      return present(environment, await findGatePolicy(db, principal.projectId, environment));
    },

    async setPolicy(principal, environment, policy) {
      await environments.requireEnvironment(principal.projectId, environment);
      const unknown: string[] = [];
      for (const dataset of datasetsOf(policy)) {
        if (!(await findDatasetByName(db, principal.projectId, dataset))) unknown.push(dataset);
      }
      if (unknown.length > 0) {
        const names = unknown.map((d) => `'${d}'`).join(", ");
        throw new Unprocessable(
          `the policy names ${unknown.length === 1 ? "a dataset" : "datasets"} this project does not have: ${names} — create ${unknown.length === 1 ? "it" : "them"} first or fix the name`,
          { datasets: unknown },
        );
      }
      const row: GatePolicyRow = {
        projectId: principal.projectId,
        environment,
        policy,
        updatedAt: nowIso(ctx),
        updatedBy: principal.actor,
      };
      await writeWithEvents(ctx, async (trx, record) => {
        await saveGatePolicy(trx, row);
        await record({
          projectId: row.projectId,
          type: "gate.policy_set",
          subject: environment,
          payload: { policy },
          actor: principal.actor,
          at: row.updatedAt,
        });
      });
      return present(environment, row);
    },

    async removePolicy(principal, environment) {
      await environments.requireEnvironment(principal.projectId, environment);
      await writeWithEvents(ctx, async (trx, record) => {
        if (!(await deleteGatePolicy(trx, principal.projectId, environment))) {
          throw new NotFound(`environment '${environment}' has no gate policy`);
        }
        await record({
          projectId: principal.projectId,
          type: "gate.policy_removed",
          subject: environment,
          payload: {},
          actor: principal.actor,
        });
      });
    },

    async recommended(principal, name) {
      const dataset = await requireDataset(db, principal.projectId, name);
      const run = await latestRunOnDataset(db, principal.projectId, dataset.id);
      if (!run) {
        throw new Conflict(
          `no finished run on dataset '${name}' yet: the recommended policy requires the scorers of its latest run — evaluate on it first, or write the policy by hand`,
        );
      }
      // A scorer that scored nothing in that run (every case an error, say a JSON Schema check
      // on a prompt with no schema) would refuse every version for a reason unrelated to quality.
      const scored = new Set(
        run.summary?.variants.flatMap((v) =>
          v.scores.filter((s) => s.interval !== null).map((s) => s.scorer),
        ),
      );
      const scorers = run.scorers
        .map((spec) => ({ name: scorerName(spec), deterministic: spec.type !== "judge" }))
        .filter((s) => scored.has(s.name));
      if (scorers.length === 0) {
        throw new Conflict(
          `the latest run on dataset '${name}' (${run.id}) scored nothing: every scorer failed on every case — fix the scorers and evaluate again, or write the policy by hand`,
        );
      }
      return {
        dataset: name,
        basedOnRun: run.id,
        policy: recommendedGatePolicy(name, scorers, run.promptName),
      };
    },

    async promptStatus(principal, name, requested) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const number = requested ?? prompt.latestVersion;
      if (number === null) {
        throw new Conflict(`prompt '${name}' has no versions yet: publish one to check its gates`);
      }
      const version = await requireVersion(db, prompt, number);
      const [envs, policies, evidence] = await Promise.all([
        listEnvironments(db, principal.projectId),
        listGatePolicies(db, principal.projectId),
        evidenceOfVersion(db, prompt, number),
      ]);
      const policyOf = new Map(policies.map((p) => [p.environment, p.policy]));
      const items = [];
      for (const env of envs) {
        const serves = (await currentLabel(db, prompt.id, env.name)) ?? null;
        const level = await levelOfDeploy(db, prompt.id, version.semver, serves);
        const policy = policyOf.get(env.name);
        // What the environment serves already needs no gate to stay there.
        const verdict = verdictOf({
          prompt: prompt.name,
          environment: env.name,
          version: number,
          candidate: `v${number}`,
          serves,
          level,
          policy: serves === number ? undefined : policy,
          evidence,
        });
        items.push({
          environment: env.name,
          protected: env.protected,
          serves,
          hasPolicy: policy !== undefined,
          level,
          passed: verdict.passed,
          unmet: verdict.unmet,
          runs: verdict.runs,
        });
      }
      return { name, version: number, semver: version.semver, items };
    },

    async runGate(principal, runId, query) {
      const run = await findRun(db, principal.projectId, runId);
      if (!run) throw new NotFound(`no evaluation run '${runId}' in this project`);
      if (run.status !== "completed") {
        throw new Conflict(
          `run '${runId}' is ${run.status}: a gate can judge it only once it has completed`,
        );
      }
      const environment = query.environment ?? run.environment;
      if (!environment) {
        throw new Invalid(
          "name the environment whose gate to check: ?environment=production (the run was made for none)",
        );
      }
      await environments.requireEnvironment(principal.projectId, environment);
      const index = candidateIndex(run.variants);
      const candidate = run.variants[index];
      if (!candidate) throw new Conflict(`run '${runId}' has no candidate to judge`);
      const serves = (await currentLabel(db, run.promptId, environment)) ?? null;
      let level = query.level;
      if (!level) {
        const own =
          candidate.version === null
            ? undefined
            : await findVersion(db, run.promptId, candidate.version);
        if (!own) {
          throw new Invalid(
            `the candidate '${candidate.label}' has no semantic version to compare with what '${environment}' serves: give ?level=patch, minor or major`,
          );
        }
        level = await levelOfDeploy(db, run.promptId, own.semver, serves);
      }
      const policy = await findGatePolicy(db, principal.projectId, environment);
      return verdictOf({
        prompt: run.promptName,
        environment,
        version: candidate.version,
        candidate: candidate.version === null ? candidate.label : `v${candidate.version}`,
        serves,
        level,
        policy: policy?.policy,
        evidence: await evidenceWithRun(db, run, index),
      });
    },
  };
}
