/**
 * A guardrail as the start form has it: the metric, which way is worse (preset by the metric),
 * and how much worse the candidate may be, in the metric's own unit or as a share of the
 * control's value; and back again, in words, for the live view.
 */
import type { Guardrail } from "@promptline/core";
import { numberOf, rowKey } from "./percent.js";

export const METRIC_CHOICES = [
  "error_rate",
  "p95_latency",
  "cost_per_call",
  "feedback",
  "score",
] as const;
export type MetricChoice = (typeof METRIC_CHOICES)[number];

interface MetricFacts {
  label: string;
  worseWhen: "higher" | "lower";
  /** The absolute tolerance's unit as typed, and how a typed number becomes the API's. */
  unit: string;
  toApi: (typed: number) => number;
  fromApi: (value: number) => number;
}

const same = (n: number) => n;

export const METRICS: Record<MetricChoice, MetricFacts> = {
  error_rate: {
    label: "Error rate",
    worseWhen: "higher",
    unit: "percentage points",
    toApi: (n) => n / 100,
    fromApi: (n) => n * 100,
  },
  p95_latency: {
    label: "p95 latency",
    worseWhen: "higher",
    unit: "ms",
    toApi: same,
    fromApi: same,
  },
  cost_per_call: {
    label: "Cost per call",
    worseWhen: "higher",
    unit: "USD",
    toApi: same,
    fromApi: same,
  },
  feedback: {
    label: "User feedback",
    worseWhen: "lower",
    unit: "points (0–1)",
    toApi: same,
    fromApi: same,
  },
  score: {
    label: "A score (online evaluation)",
    worseWhen: "lower",
    unit: "points (0–1)",
    toApi: same,
    fromApi: same,
  },
};

export interface GuardrailDraft {
  key: string;
  metric: MetricChoice;
  /** The scorer's name, for a score. */
  score: string;
  worseWhen: "higher" | "lower";
  tolerance: string;
  /** A share of the control's value (typed as a percentage) instead of the metric's unit. */
  relative: boolean;
}

export function emptyGuardrail(
  metric: MetricChoice = "error_rate",
  tolerance = "",
  relative = false,
): GuardrailDraft {
  return {
    key: rowKey("guardrail"),
    metric,
    score: "",
    worseWhen: METRICS[metric].worseWhen,
    tolerance,
    relative,
  };
}

/** What a new rollout watches unless told otherwise: the issue's own two examples. */
export const defaultGuardrails = () => [
  emptyGuardrail("error_rate", "2"),
  emptyGuardrail("p95_latency", "300"),
];

/** The metric changed: its direction follows, as the metric has it. */
export function withMetric(draft: GuardrailDraft, metric: MetricChoice): GuardrailDraft {
  return { ...draft, metric, worseWhen: METRICS[metric].worseWhen };
}

/** The tolerance's unit as the form shows it beside the number. */
export const toleranceUnit = (draft: Pick<GuardrailDraft, "metric" | "relative">) =>
  draft.relative ? "% of the control's value" : METRICS[draft.metric].unit;

/** The guardrail as the API takes it; a tolerance that is not a number is left for the schema. */
export function guardrailOf(draft: GuardrailDraft): Record<string, unknown> {
  const typed = numberOf(draft.tolerance);
  const tolerance =
    typeof typed === "number"
      ? draft.relative
        ? typed / 100
        : METRICS[draft.metric].toApi(typed)
      : typed;
  return {
    metric: draft.metric === "score" ? `score:${draft.score.trim()}` : draft.metric,
    worseWhen: draft.worseWhen,
    tolerance,
    relative: draft.relative,
  };
}

const choiceOf = (metric: string): MetricChoice =>
  metric.startsWith("score:") ? "score" : (metric as MetricChoice);

/** A number without float noise: 0.020000000000000004 → 0.02. */
const tidy = (n: number) => Number(n.toPrecision(6));

/** A guardrail in words: "error rate may rise by at most 2 percentage points". */
export function guardrailInWords(guardrail: Guardrail): string {
  const choice = choiceOf(guardrail.metric);
  const facts = METRICS[choice] ?? METRICS.score;
  const name = choice === "score" ? guardrail.metric.slice("score:".length) : facts.label;
  const amount = guardrail.relative
    ? `${tidy(guardrail.tolerance * 100)} % of the control's`
    : `${tidy(facts.fromApi(guardrail.tolerance))} ${facts.unit}`;
  return `${name} may ${guardrail.worseWhen === "higher" ? "rise" : "fall"} by at most ${amount}`;
}

/** A figure to read, not to compute with: three significant digits (0.0142574 → 0.0143). */
const shown = (n: number) => Number(n.toPrecision(3));

/**
 * A check's figure as its unit reads: an error rate in %, cost in USD. A p95 latency check
 * measures the share of calls slower than the limit its reason names in ms (the control's p95
 * plus the tolerance), so its figures are shares of slow calls.
 */
export function metricValue(metric: string, value: number): string {
  switch (choiceOf(metric)) {
    case "error_rate":
      return `${shown(value * 100)} %`;
    case "p95_latency":
      return `${shown(value * 100)} % slow`;
    case "cost_per_call":
      return `$${shown(value)}`;
    default:
      return String(shown(value));
  }
}

/** A difference in the metric's unit, signed: "+1.2 pp" (percentage points of a rate), "−30 ms". */
export function signedValue(metric: string, value: number): string {
  const choice = choiceOf(metric);
  const text =
    choice === "error_rate" || choice === "p95_latency"
      ? `${shown(Math.abs(value) * 100)} pp${choice === "p95_latency" ? " slow" : ""}`
      : metricValue(metric, Math.abs(value));
  if (value === 0) return text;
  return `${value > 0 ? "+" : "−"}${text}`;
}
