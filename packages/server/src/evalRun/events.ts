/** The audit events of a run (subject: the prompt's name), with what a reader needs at a glance. */
import type { RunSummary } from "@promptline/core";
import type { EventInput } from "../event/write.js";
import type { EvalRunRow } from "../storage/database.js";

/** At most this many (variant, scorer) verdicts go into a finished event. */
const MAX_HEADLINE = 30;

const base = (run: EvalRunRow) => ({
  runId: run.id,
  dataset: run.datasetName,
  revision: run.datasetRevision,
});

export function startedEvent(run: EvalRunRow, actor: string, resumed = false): EventInput {
  return {
    projectId: run.projectId,
    type: "evaluation.started",
    subject: run.promptName,
    payload: {
      ...base(run),
      variants: run.variants.map((v) => ({ role: v.role, label: v.label, model: v.model })),
      items: run.totalItems,
      ...(resumed && { resumed: true, remaining: run.totalItems - run.doneItems }),
    },
    actor,
  };
}

/** Each candidate's verdict per scorer against its baseline, and its means. */
export function headline(run: Pick<EvalRunRow, "variants">, summary: RunSummary | null) {
  if (!summary) return [];
  return summary.variants
    .filter((v) => run.variants[v.variant]?.role === "candidate")
    .flatMap((v) =>
      v.scores.map((s) => ({
        variant: v.variant,
        label: run.variants[v.variant]?.label,
        scorer: s.scorer,
        mean: s.interval?.mean ?? null,
        verdict: v.comparison.find((c) => c.scorer === s.scorer)?.verdict ?? null,
      })),
    )
    .slice(0, MAX_HEADLINE);
}

export function finishedEvent(
  run: EvalRunRow,
  status: "completed" | "failed",
  summary: RunSummary | null,
  error: string | null = null,
): EventInput {
  return {
    projectId: run.projectId,
    type: "evaluation.finished",
    subject: run.promptName,
    payload: { ...base(run), status, ...(error && { error }), headline: headline(run, summary) },
    actor: "system",
  };
}

export function cancelledEvent(run: EvalRunRow, actor: string): EventInput {
  return {
    projectId: run.projectId,
    type: "evaluation.cancelled",
    subject: run.promptName,
    payload: { ...base(run), done: run.doneItems, total: run.totalItems },
    actor,
  };
}
