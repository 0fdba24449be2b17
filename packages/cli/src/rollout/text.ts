/** How the CLI words a rollout: its plan and weights, guardrails, traffic and decisions. */
import type {
  Guardrail,
  GuardrailCheck,
  Rollout,
  RolloutCondition,
  RolloutDetail,
  TargetingRuleBody,
  WeightedVersion,
} from "@promptline/core";
import { table } from "../output.js";

/** Decisions shown by `status`; `--json` has them all. */
const DECISIONS_SHOWN = 10;

const percent = (basisPoints: number) => `${basisPoints / 100} %`;
const signed = (n: number, text: string) => `${n >= 0 ? "+" : "−"}${text}`;

/** Three significant digits, whole numbers from 100 up. */
function figure(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(abs).toLocaleString("en-US");
  return abs === 0 ? "0" : String(Number(abs.toPrecision(3)));
}

/**
 * A check's figure as a person reads it: a rate in percent, cost in dollars. A p95 latency
 * check measures the share of calls slower than the limit its reason names in ms (the
 * control's p95 plus the tolerance), so its figures are shares of slow calls.
 */
export function metricValue(metric: string, value: number): string {
  const sign = value < 0 ? "−" : "";
  if (metric === "error_rate") return `${sign}${figure(value * 100)} %`;
  if (metric === "p95_latency") return `${sign}${figure(value * 100)} % slow`;
  if (metric === "cost_per_call") return `${sign}$${figure(value)}`;
  return `${sign}${figure(value)}`;
}

/** A difference between two values of a metric: percentage points for a rate. */
export function metricDifference(metric: string, value: number): string {
  if (metric === "error_rate") return signed(value, `${figure(value * 100)} pp`);
  if (metric === "p95_latency") return signed(value, `${figure(value * 100)} pp slow`);
  if (metric === "cost_per_call") return signed(value, `$${figure(value)}`);
  return signed(value, figure(value));
}

/** A guardrail as the CLI's `--guard` writes it: `error_rate<+2%`, `score:tone>-0.05`. */
export function guardExpression(g: Guardrail): string {
  const op = g.worseWhen === "higher" ? "<+" : ">-";
  const n = (x: number) => String(Number(x.toPrecision(6)));
  if (g.relative) {
    // `error_rate<+2%` means percentage points, so a share of its control's rate is said in words.
    const ofControl = g.metric === "error_rate" ? " of control's" : "";
    return `${g.metric}${op}${n(g.tolerance * 100)}%${ofControl}`;
  }
  if (g.metric === "error_rate") return `${g.metric}${op}${n(g.tolerance * 100)}%`;
  if (g.metric === "p95_latency") return `${g.metric}${op}${n(g.tolerance)}ms`;
  if (g.metric === "cost_per_call") return `${g.metric}${op}$${n(g.tolerance)}`;
  return `${g.metric}${op}${n(g.tolerance)}`;
}

/** Who serves what now: `v8 25 % · v7 (control) 75 %`. */
export function weightsText(r: Pick<Rollout, "split" | "control">): string {
  return r.split
    .map((v) => `v${v.version}${v.version === r.control ? " (control)" : ""} ${percent(v.weight)}`)
    .join(" · ");
}

/** A canary's steps with the current one in brackets: `5 % → [25 %] → 50 % → 100 %`. */
export function stepsText(canary: NonNullable<Rollout["canary"]>): string {
  return canary.steps
    .map((s, i) => (i === canary.step ? `[${percent(s.weight)}]` : percent(s.weight)))
    .join(" → ");
}

function stepLine(canary: NonNullable<Rollout["canary"]>): string {
  const step = canary.steps[canary.step];
  if (!step) return `step ${canary.step + 1}`;
  const hold = step.holdMinutes > 0 ? `, held ${step.holdMinutes} min` : "";
  return `step ${canary.step + 1} of ${canary.steps.length} (${percent(step.weight)}${hold}) since ${canary.stepStartedAt}: ${stepsText(canary)}`;
}

function conditionText(c: RolloutCondition): string {
  switch (c.op) {
    case "equals":
    case "not_equals":
      return `${c.attribute} ${c.op === "equals" ? "=" : "≠"} ${JSON.stringify(c.value)}`;
    case "in":
    case "not_in":
      return `${c.attribute} ${c.op === "in" ? "in" : "not in"} [${c.values.map((v) => JSON.stringify(v)).join(", ")}]`;
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return `${c.attribute} ${{ gt: ">", gte: "≥", lt: "<", lte: "≤" }[c.op]} ${c.value}`;
    case "matches":
      return `${c.attribute} matches /${c.pattern}/`;
    case "percent":
      return `${c.attribute} in ${c.percent} % (hashed)`;
    default:
      return `${c.attribute} ${{ semver_gt: ">", semver_gte: "≥", semver_lt: "<", semver_lte: "≤" }[c.op]} ${c.value} (semver)`;
  }
}

const splitText = (variants: WeightedVersion[]) =>
  variants.map((v) => `v${v.version} ${percent(v.weight)}`).join(" · ");

/** `1. plan = "pro" and region in ["eu"] → v8 100 %`, one line per rule. */
export function ruleLines(rules: TargetingRuleBody[]): string[] {
  return rules.map((rule, i) => {
    const when = rule.conditions.map(conditionText).join(" and ");
    const named = rule.description ? ` (${rule.description})` : "";
    return `  ${i + 1}. ${when} → ${splitText(rule.variants)}${named}`;
  });
}

/** The versions: `v7 → v8` (control → candidates). */
export const versionsText = (r: Pick<Rollout, "control" | "candidates">) =>
  `v${r.control} → ${r.candidates.map((c) => `v${c}`).join(", ")}`;

const ENDED: Record<string, string> = {
  promoted: "promoted",
  aborted: "aborted",
  rolled_back: "rolled back",
};

/** What the rollout is: one line naming it, then how it is set up and who started it. */
function headerLines(r: Rollout): string[] {
  const lines = [
    `rollout #${r.id} of ${r.name} on ${r.environment}: ${r.strategy}, ${ENDED[r.status] ?? r.status}`,
    `control v${r.control} · candidate${r.candidates.length > 1 ? "s" : ""} ${r.candidates.map((c) => `v${c}`).join(", ")} · unit ${r.unit} · on breach: ${r.onBreach} · ${r.minSamples} calls per arm before a verdict`,
    `started by ${r.startedBy} at ${r.startedAt}${r.reason ? `: ${r.reason}` : ""}`,
  ];
  if (r.endedAt) {
    lines.push(
      `${ENDED[r.status] ?? "ended"} by ${r.endedBy ?? "?"} at ${r.endedAt}${r.endReason ? `: ${r.endReason}` : ""}`,
    );
  }
  return lines;
}

/**
 * The latest look that checked the guardrails, if the monitor has looked. A look at a canary's
 * last step (100 %, no control left to compare with) checks nothing; the figures before it stand.
 */
function latestChecks(detail: RolloutDetail): { at: string; checks: GuardrailCheck[] } | undefined {
  let latest: RolloutDetail["checks"][number] | undefined;
  for (const point of detail.checks) {
    if (point.checks.length > 0 && (!latest || point.at > latest.at)) latest = point;
  }
  return latest;
}

function stateText(check: GuardrailCheck): string {
  if (!check.reason) return check.state;
  // The reason starts with the metric, which the row already names.
  return `${check.state}: ${check.reason.replace(`${check.metric}: `, "")}`;
}

function guardrailLines(detail: RolloutDetail): string[] {
  if (detail.guardrails.length === 0)
    return ["guardrails: none (nothing stops or widens it by itself)"];
  const latest = latestChecks(detail);
  const rows = detail.guardrails.flatMap((g) => {
    const checks = latest?.checks.filter((c) => c.metric === g.metric) ?? [];
    if (checks.length === 0) return [[guardExpression(g), null, null, null, null, "no look yet"]];
    return checks.map((c) => [
      guardExpression(g),
      `v${c.candidateVersion} ${metricValue(c.metric, c.candidate.mean)} (n=${c.candidate.n})`,
      `${metricValue(c.metric, c.control.mean)} (n=${c.control.n})`,
      `${metricDifference(c.metric, c.difference)} (${metricDifference(c.metric, c.low)} to ${metricDifference(c.metric, c.high)})`,
      metricDifference(c.metric, c.allowed),
      stateText(c),
    ]);
  });
  return [
    `guardrails${latest ? ` (latest look ${latest.at})` : ""}:`,
    table(["guardrail", "candidate", "control", "difference (95 %)", "tolerated", "state"], rows),
  ];
}

function trafficLines(detail: RolloutDetail): string[] {
  const total = detail.traffic.reduce((sum, t) => sum + t.calls, 0);
  if (total === 0) return ["traffic: no calls yet"];
  return [
    `traffic (${total.toLocaleString("en-US")} calls since it started):`,
    table(
      ["version", "variant", "calls", "share", "errors", "error rate"],
      detail.traffic.map((t) => [
        `v${t.version}`,
        t.variant,
        t.calls,
        `${figure((t.calls / total) * 100)} %`,
        t.errors,
        t.calls === 0 ? null : `${figure((t.errors / t.calls) * 100)} %`,
      ]),
    ),
  ];
}

/** A decision's steps, counted from 1: `1→2`, or the one step it was at. */
function stepsMoved(from: number | null, to: number | null): string | null {
  if (from === null || to === null || from === to) {
    const step = to ?? from;
    return step === null ? null : String(step + 1);
  }
  return `${from + 1}→${to + 1}`;
}

function decisionLines(detail: RolloutDetail): string[] {
  const newest = [...detail.decisions].sort((a, b) => b.id - a.id);
  const shown = newest.slice(0, DECISIONS_SHOWN);
  const more = newest.length - shown.length;
  return [
    `decisions (newest first${more > 0 ? `; ${more} older with --json` : ""}):`,
    table(
      ["when", "action", "by", "step", "reason"],
      shown.map((d) => [
        d.createdAt,
        d.action,
        d.actor,
        stepsMoved(d.fromStep, d.toStep),
        d.reason,
      ]),
    ),
  ];
}

/** `promptline rollout status`: the whole picture of one rollout. */
export function statusText(detail: RolloutDetail): string {
  const running = detail.status === "running" || detail.status === "paused";
  const lines = headerLines(detail);
  if (detail.canary) lines.push(stepLine(detail.canary));
  if (running) lines.push(`serving: ${weightsText(detail)}`);
  if (detail.rules.length > 0) {
    lines.push("targeting rules (the first that matches decides):", ...ruleLines(detail.rules));
  }
  lines.push(...trafficLines(detail), ...guardrailLines(detail));
  if (detail.decisions.length > 0) lines.push(...decisionLines(detail));
  return lines.join("\n");
}

/** `promptline rollout start`: what started, and how to watch it. */
export function startedText(r: Rollout): string {
  const lines = [
    `started ${r.strategy} rollout #${r.id} of ${r.name} on ${r.environment}: ${weightsText(r)}`,
  ];
  if (r.canary)
    lines.push(
      `steps: ${stepsText(r.canary)}, each held ${r.canary.steps[0]?.holdMinutes ?? 0} min before it widens`,
    );
  if (r.rules.length > 0) lines.push("targeting rules:", ...ruleLines(r.rules));
  lines.push(
    r.guardrails.length > 0
      ? `guardrails: ${r.guardrails.map(guardExpression).join(", ")} (on breach: ${r.onBreach})`
      : "guardrails: none",
    `watch it: promptline rollout status ${r.name} --env ${r.environment} --watch`,
  );
  return lines.join("\n");
}

const VERBS = {
  advance: "advanced",
  pause: "paused",
  resume: "resumed",
  promote: "promoted",
  abort: "aborted",
} as const;

/** One line on what an action did (`promoted`: the candidate a promote gave everyone). */
export function actedText(action: keyof typeof VERBS, r: Rollout, promoted?: number): string {
  const what = `${VERBS[action]} rollout #${r.id} of ${r.name} on ${r.environment}`;
  if (action === "promote") return `${what}: ${r.environment} now serves v${promoted}`;
  if (action === "abort") return `${what}: ${r.environment} serves v${r.control} again`;
  const step = r.canary ? `step ${r.canary.step + 1} of ${r.canary.steps.length}, ` : "";
  return `${what}: ${step}${weightsText(r)}`;
}

/** `promptline rollout list`. */
export function listText(items: Rollout[]): string {
  if (items.length === 0) return "no rollouts";
  return table(
    ["id", "prompt", "environment", "strategy", "status", "versions", "serving", "started", "by"],
    items.map((r) => [
      r.id,
      r.name,
      r.environment,
      r.strategy,
      ENDED[r.status] ?? r.status,
      versionsText(r),
      r.status === "running" || r.status === "paused" ? weightsText(r) : null,
      r.startedAt,
      r.startedBy,
    ]),
  );
}
