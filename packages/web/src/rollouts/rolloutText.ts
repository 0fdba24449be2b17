/**
 * A rollout as the workspace says it, apart from the screens so it can be tested without a
 * browser: its line in the environments tab, each version's share per environment, the canary's
 * steps, each guardrail's difference over time, the traffic per variant and its decisions.
 */
import type {
  Guardrail,
  GuardrailCheck,
  Rollout,
  RolloutDecision,
  RolloutDetail,
  RolloutStatus,
} from "@promptline/core";
import { metricValue, signedValue } from "./guardrailForm.js";
import { percentText } from "./percent.js";

/** Running and paused rollouts hold their environment; the others have ended. */
export const isActive = (status: RolloutStatus) => status === "running" || status === "paused";

export const STATUS_WORDS: Record<RolloutStatus, string> = {
  running: "running",
  paused: "paused",
  promoted: "promoted",
  aborted: "aborted",
  rolled_back: "rolled back",
};

export const STATUS_COLOURS: Record<RolloutStatus, string> = {
  running: "blue",
  paused: "yellow",
  promoted: "green",
  aborted: "gray",
  rolled_back: "red",
};

/** Each candidate's share of everyone the rules do not catch, in basis points. */
export function candidateShares(rollout: Rollout): Array<{ version: number; weight: number }> {
  return rollout.candidates.map((version) => ({
    version,
    weight: rollout.split.find((v) => v.version === version)?.weight ?? 0,
  }));
}

/** "rollout running: v7 → v8 at 5 %" (several candidates: "v7 → v8 at 20 %, v9 at 10 %"). */
export function rolloutLine(rollout: Rollout): string {
  const shares = candidateShares(rollout)
    .map((c) => `v${c.version} at ${percentText(c.weight)}`)
    .join(", ");
  return `rollout ${STATUS_WORDS[rollout.status]}: v${rollout.control} → ${shares}`;
}

/** The rollout of each environment that has one running or paused. */
export function activeByEnvironment(rollouts: Rollout[]): Map<string, Rollout> {
  const byEnvironment = new Map<string, Rollout>();
  for (const r of rollouts) {
    if (isActive(r.status) && !byEnvironment.has(r.environment))
      byEnvironment.set(r.environment, r);
  }
  return byEnvironment;
}

/**
 * A version's share in each environment where a rollout runs with it: "production: 25 %
 * (canary)" for a candidate, "production: 75 % (control)" for the version it replaces.
 */
export function versionShares(
  rollouts: Rollout[],
  version: number,
): Array<{ rollout: Rollout; text: string }> {
  const shares: Array<{ rollout: Rollout; text: string }> = [];
  for (const rollout of activeByEnvironment(rollouts).values()) {
    const weight = rollout.split.find((v) => v.version === version)?.weight;
    if (weight === undefined) continue;
    const role =
      version === rollout.control ? "control" : rollout.strategy === "canary" ? "canary" : "split";
    const paused = rollout.status === "paused" ? ", paused" : "";
    shares.push({
      rollout,
      text: `${rollout.environment}: ${percentText(weight)} (${role}${paused})`,
    });
  }
  return shares;
}

export interface StepView {
  index: number;
  weight: number;
  holdMinutes: number;
  state: "done" | "current" | "next";
  /** For the current step: minutes held so far (whole). */
  heldMinutes?: number;
}

/** A canary's steps, which are behind, which is current (held how long) and which are ahead. */
export function stepsOf(rollout: Rollout, now: number): StepView[] {
  if (!rollout.canary) return [];
  const { step, stepStartedAt } = rollout.canary;
  // Once ended, the clock stops where the rollout did.
  const until = rollout.endedAt ? Date.parse(rollout.endedAt) : now;
  return rollout.canary.steps.map((s, index) => ({
    index,
    weight: s.weight,
    holdMinutes: s.holdMinutes,
    state: index < step ? "done" : index === step ? "current" : "next",
    ...(index === step && {
      heldMinutes: Math.max(0, Math.floor((until - Date.parse(stepStartedAt)) / 60_000)),
    }),
  }));
}

/** A finite number, or null (an interval without enough data has infinite ends, sent as null). */
const finite = (n: number | null | undefined) =>
  typeof n === "number" && Number.isFinite(n) ? n : null;

export interface GuardrailPoint {
  t: number;
  difference: number | null;
  /** The always-valid interval, as a band; null while there are too few observations. */
  band: [number, number] | null;
  controlN: number;
  candidateN: number;
}

/** One guardrail's looks over time for one candidate: the difference with its interval. */
export function guardrailSeries(
  detail: Pick<RolloutDetail, "checks">,
  metric: string,
  candidateVersion: number,
): GuardrailPoint[] {
  const points: GuardrailPoint[] = [];
  for (const look of detail.checks) {
    const check = look.checks.find(
      (c) => c.metric === metric && c.candidateVersion === candidateVersion,
    );
    if (!check) continue;
    const low = finite(check.low);
    const high = finite(check.high);
    points.push({
      t: Date.parse(look.at),
      difference: finite(check.difference),
      band: low === null || high === null ? null : [low, high],
      controlN: check.control.n,
      candidateN: check.candidate.n,
    });
  }
  return points.sort((a, b) => a.t - b.t);
}

/** The newest look at one guardrail for one candidate, if the monitor has looked yet. */
export function latestCheck(
  detail: Pick<RolloutDetail, "checks">,
  metric: string,
  candidateVersion: number,
): GuardrailCheck | undefined {
  let newest: { at: number; check: GuardrailCheck } | undefined;
  for (const look of detail.checks) {
    const check = look.checks.find(
      (c) => c.metric === metric && c.candidateVersion === candidateVersion,
    );
    const at = Date.parse(look.at);
    if (check && (!newest || at >= newest.at)) newest = { at, check };
  }
  return newest?.check;
}

export interface TrafficRow {
  version: number;
  variant: "control" | "candidate";
  calls: number;
  errors: number;
  /** Of all calls the rollout served, in basis points. */
  share: number;
  errorRate: number | null;
}

/** Calls per variant since the start, each with its share of the whole and its error rate. */
export function trafficRows(detail: Pick<RolloutDetail, "traffic">): TrafficRow[] {
  const total = detail.traffic.reduce((sum, t) => sum + t.calls, 0);
  return detail.traffic.map((t) => ({
    ...t,
    share: total === 0 ? 0 : Math.round((t.calls / total) * 10_000),
    errorRate: t.calls === 0 ? null : t.errors / t.calls,
  }));
}

const ACTION_WORDS: Record<RolloutDecision["action"], string> = {
  start: "Started",
  advance: "Advanced",
  pause: "Paused",
  resume: "Resumed",
  promote: "Promoted",
  abort: "Aborted",
  rollback: "Rolled back",
};

/** A decision in a few words: "Advanced to step 3 (50 %)", "Rolled back". */
export function decisionTitle(decision: RolloutDecision, rollout: Rollout): string {
  const words = ACTION_WORDS[decision.action] ?? decision.action;
  const to = decision.toStep;
  const step = to === null ? undefined : rollout.canary?.steps[to];
  if (decision.action === "advance" && to !== null && step) {
    return `${words} to step ${to + 1} (${percentText(step.weight)})`;
  }
  return words;
}

/** The newest look's figures in one sentence, the way the monitor weighed them. */
export function figuresInWords(check: GuardrailCheck, guardrail: Guardrail): string {
  const { metric } = check;
  const limit = guardrail.worseWhen === "higher" ? check.allowed : -check.allowed;
  const interval =
    Number.isFinite(check.low) && Number.isFinite(check.high)
      ? `95 % ${signedValue(metric, check.low)} to ${signedValue(metric, check.high)}`
      : "no interval yet";
  return [
    `difference ${Number.isFinite(check.difference) ? signedValue(metric, check.difference) : "—"} (${interval})`,
    `tolerated ${signedValue(metric, limit)}`,
    `control ${metricValue(metric, check.control.mean)} over ${check.control.n}`,
    `candidate ${metricValue(metric, check.candidate.mean)} over ${check.candidate.n}`,
    `p = ${check.pValue < 0.001 ? "< 0.001" : check.pValue.toFixed(3)}`,
  ].join("; ");
}
