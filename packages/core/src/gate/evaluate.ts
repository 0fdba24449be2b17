/**
 * A gate's verdict on a version, worked out from the runs that evaluated it: pure, so the server
 * (deploys, the prompt page, `promptline eval`) and tests all get the same answer and the same
 * sentences. Every unmet requirement says what is missing and the numbers behind it.
 */
import type { EvalVariant, RunSummary, ScorerComparison, VariantSummary } from "../evalRun/api.js";
import { type BumpLevel, parseSemver } from "../version/semver.js";
import type { GateRule } from "./api.js";
import type { UnmetRequirement } from "./verdict.js";

/**
 * The bump a deploy makes: the highest component of the semantic version that differs from what
 * the environment serves now. Nothing served yet counts as major, a first release being the
 * biggest change there is; the same semantic version counts as patch.
 */
export function deployLevel(target: string, served: string | null): BumpLevel {
  if (served === null) return "major";
  const [a, b] = [parseSemver(target), parseSemver(served)];
  if (a[0] !== b[0]) return "major";
  if (a[1] !== b[1]) return "minor";
  return "patch";
}

/** What one finished run shows about one candidate of it, on its dataset. */
export interface GateEvidence {
  runId: string;
  dataset: string;
  candidate: VariantSummary;
  /** What the run compared the candidate with: a version, or how it named something else. */
  baseline: { version: number | null; label: string } | null;
}

/** A finished run as the gate reads it. */
export interface RunForGate {
  id: string;
  datasetName: string;
  variants: EvalVariant[];
  summary: RunSummary | null;
}

/** The index of the first candidate variant: of `version` when given, of any when not. */
export function candidateIndex(variants: EvalVariant[], version?: number): number {
  return variants.findIndex(
    (v) => v.role === "candidate" && (version === undefined || v.version === version),
  );
}

/** The evidence one run holds for its candidate variant `index`, or null if it has no summary. */
export function evidenceFromRun(run: RunForGate, index: number): GateEvidence | null {
  const candidate = run.summary?.variants.find((v) => v.variant === index);
  if (!candidate) return null;
  const base =
    candidate.baselineVariant === null ? undefined : run.variants[candidate.baselineVariant];
  return {
    runId: run.id,
    dataset: run.datasetName,
    candidate,
    baseline: base ? { version: base.version, label: base.label } : null,
  };
}

export interface GateContext {
  environment: string;
  /** How messages name the candidate: `v4`, `draft`, `file:prompts/x.yaml`. */
  candidate: string;
  level: BumpLevel;
  /** The version the environment serves now; null when it serves none. */
  serves: number | null;
}

export interface GateResult {
  passed: boolean;
  level: BumpLevel;
  unmet: UnmetRequirement[];
}

const MINUS = "\u2212";
const score = (n: number) => n.toFixed(2).replace("-", MINUS);
const signed = (n: number) => (n > 0 ? `+${score(n)}` : score(n));
const grouped = (n: number) => Math.round(n).toLocaleString("en-US");
const usd = (n: number) => `$${n < 0.01 ? n.toPrecision(2) : n.toFixed(2)}`;
const pValue = (p: number) => (p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`);

function compared(c: ScorerComparison): string {
  const d = c.difference;
  const diff = d ? `difference ${signed(d.mean)} (95 % ${signed(d.low)} to ${signed(d.high)})` : "";
  const p = c.pValue === null ? "" : pValue(c.pValue);
  return [diff, p].filter(Boolean).join(", ");
}

/** Checks one required (dataset, scorer) on the latest run of that dataset. */
function checkRequirement(
  requirement: GateRule["requirements"][number],
  evidence: GateEvidence | undefined,
  context: GateContext,
): UnmetRequirement[] {
  const { dataset, scorer, minMean } = requirement;
  const where = { dataset, scorer };
  if (!evidence) {
    return [
      {
        kind: "missing_run",
        ...where,
        message: `no finished run of ${context.candidate} on dataset ${dataset} with scorer ${scorer}`,
      },
    ];
  }
  const runId = evidence.runId;
  const found = evidence.candidate.scores.find((s) => s.scorer === scorer);
  if (!found) {
    return [
      {
        kind: "missing_score",
        ...where,
        runId,
        message: `the latest run of ${context.candidate} on dataset ${dataset} did not use scorer ${scorer}: run it again with it`,
      },
    ];
  }
  if (!found.interval) {
    return [
      {
        kind: "missing_score",
        ...where,
        runId,
        message: `${dataset} · ${scorer}: no case was scored (${found.errors} scorer errors)`,
      },
    ];
  }
  if (minMean === undefined || found.interval.mean >= minMean) return [];
  const { mean, low, high, n } = found.interval;
  return [
    {
      kind: "below_min_mean",
      ...where,
      runId,
      actual: mean,
      required: minMean,
      message: `${dataset} · ${scorer}: mean ${score(mean)} (95 % ${score(low)}–${score(high)}, n=${n}) is below the ${score(minMean)} required`,
    },
  ];
}

/** Whether the run compared the candidate with what the environment serves, once per run. */
function checkBaseline(evidence: GateEvidence, context: GateContext): UnmetRequirement | null {
  const served = `v${context.serves}`;
  const base = evidence.baseline;
  if (base && base.version === context.serves) return null;
  const compared = base
    ? `compared ${context.candidate} with ${base.label}`
    : `of ${context.candidate} had no baseline`;
  return {
    kind: "wrong_baseline",
    dataset: evidence.dataset,
    runId: evidence.runId,
    message: `${evidence.dataset}: the run ${compared}, but ${context.environment} serves ${served}: run it again against ${served}`,
  };
}

function checkRegression(
  scorer: string,
  evidence: GateEvidence,
  context: GateContext,
): UnmetRequirement | null {
  const where = { dataset: evidence.dataset, scorer, runId: evidence.runId };
  const comparison = evidence.candidate.comparison.find((c) => c.scorer === scorer);
  if (!comparison) {
    return {
      kind: "missing_comparison",
      ...where,
      message: `${evidence.dataset} · ${scorer}: the run has no comparison with v${context.serves}`,
    };
  }
  if (comparison.verdict !== "regressed") return null;
  return {
    kind: "regression",
    ...where,
    ...(comparison.difference && { actual: comparison.difference.mean }),
    message: `${evidence.dataset} · ${scorer}: regressed against v${context.serves}, which ${context.environment} serves: ${compared(comparison)}`,
  };
}

/** Mean latency and cost per call against the rule's limits, on every run the gate looked at. */
function checkLimits(
  rule: GateRule,
  runs: GateEvidence[],
  context: GateContext,
): UnmetRequirement[] {
  const unmet: UnmetRequirement[] = [];
  const limits = [
    {
      kind: "latency" as const,
      limit: rule.maxLatencyMs,
      of: (v: VariantSummary) => v.meanLatencyMs,
      what: "mean latency",
      show: (n: number) => `${grouped(n)} ms`,
    },
    {
      kind: "cost" as const,
      limit: rule.maxCostUsd,
      of: (v: VariantSummary) => v.meanCostUsd,
      what: "mean cost per call",
      show: usd,
    },
  ];
  for (const { kind, limit, of, what, show } of limits) {
    if (limit === undefined) continue;
    if (runs.length === 0) {
      unmet.push({
        kind: "missing_run",
        required: limit,
        message: `no finished run of ${context.candidate} to measure its ${what} (limit ${show(limit)})`,
      });
    }
    for (const evidence of runs) {
      const actual = of(evidence.candidate);
      const base = { kind, dataset: evidence.dataset, runId: evidence.runId, required: limit };
      if (actual === null) {
        unmet.push({
          ...base,
          message: `${evidence.dataset}: the run measured no ${what} (limit ${show(limit)})`,
        });
      } else if (actual > limit) {
        unmet.push({
          ...base,
          actual,
          message: `${evidence.dataset}: ${what} ${show(actual)} is above the ${show(limit)} limit`,
        });
      }
    }
  }
  return unmet;
}

/** Whether a requirement applies to the prompt: it names no prompts, or this one or its folder. */
export function requirementApplies(
  requirement: Pick<GateRule["requirements"][number], "prompts">,
  prompt: string,
): boolean {
  return (
    requirement.prompts === undefined ||
    requirement.prompts.some((scope) =>
      scope.endsWith("/") ? prompt.startsWith(scope) : prompt === scope,
    )
  );
}

/** The rule as it applies to one prompt: the requirements scoped to other prompts left out. */
export function ruleForPrompt(rule: GateRule, prompt: string): GateRule {
  return { ...rule, requirements: rule.requirements.filter((r) => requirementApplies(r, prompt)) };
}

/**
 * The verdict of `rule` on a candidate, from `evidence`: the latest finished run per dataset in
 * which the candidate was evaluated. Each required (dataset, scorer) must have been scored, with
 * a mean of at least `minMean`; with `noRegression`, each must not be significantly worse than
 * what the environment serves, in a run that compared the two ("not enough cases" is no
 * significant regression: `minMean` is what guards small datasets); latency and cost limits hold
 * for every run the rule looks at (those of its datasets, or all of them when it names none).
 */
export function evaluateGate(
  rule: GateRule,
  evidence: GateEvidence[],
  context: GateContext,
): GateResult {
  const byDataset = new Map(evidence.map((e) => [e.dataset, e]));
  const unmet: UnmetRequirement[] = [];
  for (const requirement of rule.requirements) {
    unmet.push(...checkRequirement(requirement, byDataset.get(requirement.dataset), context));
  }
  if (rule.noRegression && context.serves !== null) {
    const baselineChecked = new Set<string>();
    for (const { dataset, scorer } of rule.requirements) {
      const run = byDataset.get(dataset);
      if (!run?.candidate.scores.some((s) => s.scorer === scorer)) continue;
      if (!baselineChecked.has(dataset)) {
        baselineChecked.add(dataset);
        const wrong = checkBaseline(run, context);
        if (wrong) unmet.push(wrong);
      }
      if (run.baseline?.version !== context.serves) continue;
      const regressed = checkRegression(scorer, run, context);
      if (regressed) unmet.push(regressed);
    }
  }
  const named = new Set(rule.requirements.map((r) => r.dataset));
  const looked = named.size === 0 ? evidence : evidence.filter((e) => named.has(e.dataset));
  unmet.push(...checkLimits(rule, looked, context));
  return { passed: unmet.length === 0, level: context.level, unmet };
}

/** The refusal's headline: "production's gate refuses v4 (minor): 2 requirements are not met". */
export function refusalMessage(environment: string, candidate: string, result: GateResult): string {
  const count = result.unmet.length;
  const are = count === 1 ? "1 requirement is not met" : `${count} requirements are not met`;
  return `${environment}'s gate refuses ${candidate} (${result.level}): ${are}`;
}
