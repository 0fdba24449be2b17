/**
 * Guardrails of a rollout: which metric of the candidate is watched against the control's, which
 * way is worse, and how much worse is tolerated. The CLI writes them as short expressions
 * (`--guard "error_rate<+2%"`), the API as objects; both are this one shape.
 */
import { z } from "zod";
import { scorerNameSchema } from "../evaluation/scorer-spec.js";
import type { GuardrailVerdict } from "./plan.js";
import { type ArmSummary, type SequentialOptions, sequentialCompare } from "./sequential.js";

/** Metrics a guardrail can watch: the call's own, and any score (online evaluation, feedback). */
export const GUARDRAIL_METRICS = [
  "error_rate",
  "p95_latency",
  "cost_per_call",
  "feedback",
] as const;

const metricSchema = z.union([
  z.enum(GUARDRAIL_METRICS),
  z.templateLiteral(["score:", scorerNameSchema]),
]);

export const guardrailSchema = z
  .object({
    metric: metricSchema,
    /** Lower is better for errors, latency and cost; higher for feedback and scores. */
    worseWhen: z.enum(["higher", "lower"]),
    /** How much worse the candidate may be: in the metric's unit, or a share of the control's. */
    tolerance: z.number().min(0).max(1_000_000),
    relative: z.boolean().default(false),
  })
  .strict()
  .meta({ id: "Guardrail" });
export type Guardrail = z.infer<typeof guardrailSchema>;

/**
 * A guard expression as the CLI takes it: `<metric><op><tolerance>`, where `<` means "must stay
 * below control + tolerance" (worse when higher) and `>` "must stay above control − tolerance"
 * (worse when lower); the tolerance is a number in the metric's unit (`ms`, `$` allowed as
 * suffix and prefix), or a percentage (`+2%`: two percentage points for a rate, else 2 % of the
 * control's value). Examples: `error_rate<+2%`, `p95_latency<+300ms`, `score:tone>-0.05`.
 */
export function parseGuard(expression: string): Guardrail | string {
  const match =
    /^\s*([a-z][a-z0-9_]*(?::[A-Za-z0-9][A-Za-z0-9._:-]*)?)\s*([<>])\s*([+-]?)\s*(\$?)([0-9]+(?:\.[0-9]+)?)\s*(%|ms)?\s*$/.exec(
      expression,
    );
  if (!match) {
    return `'${expression}' is not a guard: write <metric><op><tolerance>, e.g. error_rate<+2%, p95_latency<+300ms or score:tone>-0.05`;
  }
  const [, metric, op, sign, , amount, unit] = match as unknown as string[];
  const worseWhen = op === "<" ? "higher" : "lower";
  if ((worseWhen === "higher" && sign === "-") || (worseWhen === "lower" && sign === "+")) {
    return `'${expression}': a tolerance is how much worse the candidate may be — use '<+' (must not rise by more) or '>-' (must not fall by more)`;
  }
  let tolerance = Number(amount);
  let relative = false;
  if (unit === "%") {
    tolerance /= 100;
    // A rate's percentage is percentage points; anything else's is a share of the control.
    relative = metric !== "error_rate";
  }
  const parsed = guardrailSchema.safeParse({ metric, worseWhen, tolerance, relative });
  if (!parsed.success) {
    return `'${expression}': '${metric}' is not a metric — use ${GUARDRAIL_METRICS.join(", ")} or score:<name>`;
  }
  return parsed.data;
}

/**
 * Whether the candidate is worse than the guardrail tolerates, given the difference's interval
 * (candidate − control) and the control's value: only a difference whose whole interval lies
 * beyond the tolerance counts, so noise never trips a guardrail.
 */
export function breaches(
  guardrail: Guardrail,
  interval: { low: number; high: number },
  controlValue: number,
): boolean {
  const allowed = guardrail.relative
    ? guardrail.tolerance * Math.abs(controlValue)
    : guardrail.tolerance;
  return guardrail.worseWhen === "higher" ? interval.low > allowed : interval.high < -allowed;
}

/** The figures behind a guardrail's verdict, stored and shown with each decision. */
export interface GuardrailFigures {
  metric: string;
  control: ArmSummary;
  candidate: ArmSummary;
  difference: number;
  low: number;
  high: number;
  pValue: number;
  allowed: number;
}

const figure = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));

/**
 * A guardrail's verdict on the two arms' summaries of its metric, with the figures behind it:
 * unknown until each arm has the minimum number of observations, breached when the candidate is
 * significantly worse by more than the tolerance, healthy otherwise.
 */
export function guardrailVerdict(
  guardrail: Guardrail,
  control: ArmSummary,
  candidate: ArmSummary,
  options: SequentialOptions,
): { verdict: GuardrailVerdict; figures: GuardrailFigures } {
  const compared = sequentialCompare(control, candidate, options);
  const allowed = guardrail.relative
    ? guardrail.tolerance * Math.abs(control.mean)
    : guardrail.tolerance;
  const figures = {
    metric: guardrail.metric,
    control,
    candidate,
    difference: compared.difference,
    low: compared.low,
    high: compared.high,
    pValue: compared.pValue,
    allowed,
  };
  const minimum = options.minPerArm ?? 30;
  if (compared.lambda === null) {
    const fewer = Math.min(control.n, candidate.n);
    return {
      verdict: {
        state: "unknown",
        reason: `${guardrail.metric}: ${fewer} of the ${minimum} observations needed per arm`,
      },
      figures,
    };
  }
  if (breaches(guardrail, compared, control.mean)) {
    const sign = compared.difference >= 0 ? "+" : "";
    return {
      verdict: {
        state: "breached",
        reason: `${guardrail.metric}: ${sign}${figure(compared.difference)} against control (95 % ${figure(compared.low)} to ${figure(compared.high)}), beyond the ${figure(allowed)} tolerated`,
      },
      figures,
    };
  }
  return { verdict: { state: "healthy" }, figures };
}
