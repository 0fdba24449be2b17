/**
 * What the per-case results table shows, apart from drawing it: which variants are side by side
 * (a candidate next to its baseline), and cases' inputs and outputs as text.
 */
import type { EvalCaseResult, EvalRun } from "@promptline/core";

/**
 * The variants shown side by side, baseline first: the one candidate picked with the baseline it
 * was compared with, or every variant.
 */
export function shownVariants(run: EvalRun, candidate: number | undefined): number[] {
  const all = run.variants.map((_, index) => index);
  const baselines = all.filter((i) => run.variants[i]?.role === "baseline");
  const candidates = all.filter((i) => run.variants[i]?.role === "candidate");
  if (candidate === undefined) return [...baselines, ...candidates];
  const against = run.summary?.variants.find((v) => v.variant === candidate)?.baselineVariant;
  const baseline = against ?? baselines[0];
  return baseline === undefined ? [candidate] : [baseline, candidate];
}

/** An output as text: a string as it is, anything else as indented JSON. */
export function outputText(output: unknown): string {
  if (output === null || output === undefined) return "";
  if (typeof output === "string") return output;
  return JSON.stringify(output, null, 2);
}

/** A case's input as a person reads it: one `name: value` line per variable. */
export function inputText(input: unknown): string {
  const variables =
    typeof input === "object" && input !== null && "variables" in input
      ? (input as { variables: unknown }).variables
      : input;
  if (typeof variables !== "object" || variables === null) return outputText(variables);
  const lines = Object.entries(variables as Record<string, unknown>).map(
    ([name, value]) => `${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
  return lines.length > 0 ? lines.join("\n") : "(no variables)";
}

/** The change of one candidate's score on a case against its baseline, if compared. */
export function deltaOf(result: EvalCaseResult, variant: number, scorer: string) {
  return result.deltas.find((d) => d.variant === variant && d.scorer === scorer);
}
