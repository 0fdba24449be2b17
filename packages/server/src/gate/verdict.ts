/**
 * A gate's verdict on a candidate, read from storage: the policy of the environment, what it
 * serves now, and the latest finished run per dataset that evaluated the candidate. The rules
 * themselves are core's (evaluateGate); this module only gathers what they read.
 */
import {
  type BumpLevel,
  deployLevel,
  evaluateGate,
  evidenceFromRun,
  type GateEvidence,
  type GatePolicy,
  type GateRun,
  type GateVerdict,
  ruleForPrompt,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { latestRunsOfVersion } from "../evalRun/version-evaluations.js";
import type { Database, EvalRunRow, PromptRow } from "../storage/database.js";
import { findVersion } from "../version/store.js";

/** Where the web UI shows a run. */
export const runUrl = (id: string) => `/evaluations/${id}`;

/** The latest completed run per dataset in which `version` of the prompt was a candidate. */
export async function evidenceOfVersion(
  db: Kysely<Database>,
  prompt: Pick<PromptRow, "projectId" | "name">,
  version: number,
): Promise<GateEvidence[]> {
  const runs = await latestRunsOfVersion(db, prompt.projectId, prompt.name, version);
  return runs.map((r) => r.evidence);
}

/** The evidence of `version`, with `run` standing for its own dataset. */
export async function evidenceWithRun(
  db: Kysely<Database>,
  run: EvalRunRow,
  index: number,
): Promise<GateEvidence[]> {
  const own = evidenceFromRun(run, index);
  const version = run.variants[index]?.version ?? null;
  const others =
    version === null
      ? []
      : (
          await evidenceOfVersion(db, { projectId: run.projectId, name: run.promptName }, version)
        ).filter((e) => e.dataset !== run.datasetName);
  return own ? [own, ...others] : others;
}

/** The bump from what the environment serves to `version`. */
export async function levelOfDeploy(
  db: Kysely<Database>,
  promptId: string,
  targetSemver: string,
  serves: number | null,
): Promise<BumpLevel> {
  const served = serves === null ? undefined : await findVersion(db, promptId, serves);
  return deployLevel(targetSemver, served?.semver ?? null);
}

export interface VerdictInput {
  /** The prompt deployed: requirements scoped to other prompts do not apply to it. */
  prompt: string;
  environment: string;
  version: number | null;
  candidate: string;
  serves: number | null;
  level: BumpLevel;
  policy: GatePolicy | undefined;
  evidence: GateEvidence[];
}

/** The policy's rule for the level applied to the evidence; no rule lets the candidate through. */
export function verdictOf(input: VerdictInput): GateVerdict {
  const { environment, version, candidate, serves, level, evidence } = input;
  const policyRule = input.policy?.[level];
  const rule = policyRule && ruleForPrompt(policyRule, input.prompt);
  const base = { environment, version, candidate, serves, level };
  if (!rule) return { ...base, hasRule: false, passed: true, unmet: [], runs: [] };
  const result = evaluateGate(rule, evidence, { environment, candidate, level, serves });
  const named = new Set(rule.requirements.map((r) => r.dataset));
  const runs: GateRun[] = evidence
    .filter((e) => named.size === 0 || named.has(e.dataset))
    .map((e) => ({ id: e.runId, dataset: e.dataset, url: runUrl(e.runId) }));
  return { ...base, hasRule: true, passed: result.passed, unmet: result.unmet, runs };
}
