/**
 * How the evaluation screens say things: scores, intervals, p-values, verdicts and statuses in
 * words and colours, the same on every screen.
 */
import type { EvalVariant, ScorerComparison } from "@promptline/core";

export type Verdict = ScorerComparison["verdict"];

/** A score in [0, 1] to two places; "—" when there is none. */
export const score = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(2);

/** A signed change in score: "+0.12", "−0.40", "0.00". */
export function delta(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = Math.abs(value).toFixed(2);
  if (text === "0.00") return "0.00";
  return value < 0 ? `−${text}` : `+${text}`;
}

/** "0.82 (0.75 to 0.89)": a mean with its 95 % interval. */
export function interval(
  i: { mean: number; low: number; high: number } | null | undefined,
  show: (value: number) => string = score,
): string {
  if (!i) return "—";
  return `${show(i.mean)} (${show(i.low)} to ${show(i.high)})`;
}

/** "p < 0.001", "p = 0.042"; "—" when the run could not test. */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "p —";
  if (p < 0.001) return "p < 0.001";
  return `p = ${p.toFixed(3)}`;
}

/** Red for worse, green for better; the two that call nothing are quiet. */
export function verdictColour(verdict: Verdict): string {
  switch (verdict) {
    case "improved":
      return "green";
    case "regressed":
      return "red";
    case "not enough cases":
      return "yellow";
    default:
      return "gray";
  }
}

/** Blue while it works, green when done, red when it failed, grey when stopped. */
export function statusColour(status: string): string {
  switch (status) {
    case "running":
    case "queued":
      return "blue";
    case "completed":
      return "green";
    case "failed":
      return "red";
    default:
      return "gray";
  }
}

/** A run's column as a person names it: "v3", "draft", "production (v2)", with its model. */
export function variantName(variant: EvalVariant): string {
  const pinned =
    variant.version !== null && variant.label !== `v${variant.version}`
      ? `${variant.label} (v${variant.version})`
      : variant.label;
  return variant.model ? `${pinned} · ${variant.model}` : pinned;
}

/** How much worse a verdict is than another, for picking a candidate's headline. */
const SEVERITY: Record<Verdict, number> = {
  regressed: 3,
  improved: 2,
  "no significant change": 1,
  "not enough cases": 0,
};

export interface Headline {
  verdict: Verdict;
  /** The scorers with that verdict. */
  scorers: string[];
}

/**
 * A candidate's comparison in one line: a regression anywhere comes first, then improvements,
 * then "no significant change"; null when there was nothing to compare with.
 */
export function headline(comparison: ScorerComparison[]): Headline | null {
  if (comparison.length === 0) return null;
  const worst = comparison.reduce((a, b) => (SEVERITY[b.verdict] > SEVERITY[a.verdict] ? b : a));
  return {
    verdict: worst.verdict,
    scorers: comparison.filter((c) => c.verdict === worst.verdict).map((c) => c.scorer),
  };
}
