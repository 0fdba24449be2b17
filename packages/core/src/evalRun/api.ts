/** Evaluation runs: candidates × a dataset revision × models, scored and compared. */
import { z } from "zod";
import { versionNumberSchema } from "../api/common.js";
import { promptContentSchema } from "../prompt/content.js";

export const evalRunStatusSchema = z.enum([
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
]);
export type EvalRunStatus = z.infer<typeof evalRunStatusSchema>;

/**
 * One column of a run: a candidate (or the baseline) with one model. A label or the draft is
 * pinned when the run is created: `version` is what the label served then, `content` the draft
 * (or an unpublished file's) content as it was.
 */
export const evalVariantSchema = z
  .object({
    role: z.enum(["candidate", "baseline"]),
    /** How the caller named it: `v3`, `production`, `draft`, `file:prompts/x.yaml`. */
    label: z.string(),
    version: versionNumberSchema.nullable(),
    content: promptContentSchema.optional(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
  })
  .meta({ id: "EvalVariant" });
export type EvalVariant = z.infer<typeof evalVariantSchema>;

/** One scorer's verdict on one output: a score in [0, 1] with a reason, or an error. */
export const evalScoreSchema = z
  .object({
    name: z.string(),
    score: z.number().min(0).max(1).nullable(),
    reason: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: "EvalScore" });
export type EvalScore = z.infer<typeof evalScoreSchema>;

/** A mean with its 95 % interval. */
export const intervalSchema = z
  .object({ mean: z.number(), low: z.number(), high: z.number(), n: z.number().int() })
  .meta({ id: "Interval" });

/** One scorer on one candidate variant, against the baseline variant with the same model. */
export const scorerComparisonSchema = z
  .object({
    scorer: z.string(),
    candidate: intervalSchema.nullable(),
    baseline: intervalSchema.nullable(),
    difference: intervalSchema.nullable().meta({ description: "Paired bootstrap 95 % interval" }),
    pValue: z.number().nullable().meta({ description: "Paired t-test" }),
    verdict: z.enum(["improved", "regressed", "no significant change", "not enough cases"]),
    improvedCases: z.number().int(),
    regressedCases: z.number().int(),
    unchangedCases: z.number().int(),
  })
  .meta({ id: "ScorerComparison" });
export type ScorerComparison = z.infer<typeof scorerComparisonSchema>;

/** What a finished (or running) run found, per variant. */
export const variantSummarySchema = z
  .object({
    variant: z.number().int(),
    scores: z.array(
      z.object({
        scorer: z.string(),
        interval: intervalSchema.nullable(),
        errors: z.number().int(),
      }),
    ),
    meanLatencyMs: z.number().nullable(),
    meanCostUsd: z.number().nullable(),
    errors: z.number().int(),
    /** Against the baseline variant with the same model; empty for the baseline itself. */
    comparison: z.array(scorerComparisonSchema),
    baselineVariant: z.number().int().nullable(),
  })
  .meta({ id: "VariantSummary" });
export type VariantSummary = z.infer<typeof variantSummarySchema>;

export const runSummarySchema = z
  .object({ variants: z.array(variantSummarySchema) })
  .meta({ id: "RunSummary" });
export type RunSummary = z.infer<typeof runSummarySchema>;
