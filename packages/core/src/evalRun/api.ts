/** Evaluation runs: candidates × a dataset revision × models, scored and compared. */
import { z } from "zod";
import { idCursorSchema, timestampSchema, versionNumberSchema } from "../api/common.js";
import { scorerListSchema, scorerNameSchema, scorerSpecSchema } from "../evaluation/scorer-spec.js";
import { promptContentSchema } from "../prompt/content.js";
import { promptNameSchema } from "../prompt/name.js";

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

const labelNameSchema = z.string().min(1).max(64);

/**
 * What to evaluate: a published version, what a label serves now, the draft as it is now, or
 * content that is not in the registry (the CLI's prompt files). Labels and the draft are pinned
 * when the run is created.
 */
export const evalCandidateSchema = z
  .union([
    z.object({ version: versionNumberSchema }).strict(),
    z.object({ label: labelNameSchema }).strict(),
    z.object({ draft: z.literal(true) }).strict(),
    z
      .object({
        content: promptContentSchema,
        label: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .meta({ description: "How results name it, e.g. file:prompts/x.yaml" }),
      })
      .strict(),
  ])
  .meta({ id: "EvalCandidate" });
export type EvalCandidate = z.infer<typeof evalCandidateSchema>;

/** What the candidates are compared with. */
export const evalBaselineSchema = z
  .union([
    z.object({ version: versionNumberSchema }).strict(),
    z.object({ label: labelNameSchema }).strict(),
    z.object({ environment: labelNameSchema }).strict(),
  ])
  .meta({ id: "EvalBaseline" });
export type EvalBaseline = z.infer<typeof evalBaselineSchema>;

/** A model to run every candidate with, instead of each candidate's own config. */
export const evalModelSchema = z
  .object({
    provider: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(200).optional(),
  })
  .strict()
  .meta({ id: "EvalModel" });

export const createEvalRunBodySchema = z
  .object({
    prompt: promptNameSchema,
    dataset: promptNameSchema.meta({ description: "The dataset's name" }),
    revision: versionNumberSchema
      .optional()
      .meta({ description: "The dataset revision; the latest by default" }),
    candidates: z.array(evalCandidateSchema).min(1).max(5),
    baseline: evalBaselineSchema.nullable().optional().meta({
      description:
        "Absent: the version the environment serves now (if any). null: no baseline, no comparison.",
    }),
    models: z
      .array(evalModelSchema)
      .min(1)
      .max(3)
      .optional()
      .meta({ description: "Absent: each candidate's own model config" }),
    scorers: scorerListSchema,
    environment: labelNameSchema
      .optional()
      .meta({ description: "Whose version is the default baseline; production by default" }),
    concurrency: z.number().int().min(1).max(32).default(4),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .meta({ description: "Per provider connection this run uses" }),
  })
  .strict()
  .meta({ id: "CreateEvalRun" });
export type CreateEvalRunBody = z.infer<typeof createEvalRunBodySchema>;

export const evalProgressSchema = z
  .object({
    total: z.number().int().meta({ description: "Items: cases × variants" }),
    done: z.number().int().meta({ description: "Items finished, with or without an error" }),
    errored: z.number().int().meta({ description: "Items whose call failed" }),
  })
  .meta({ id: "EvalProgress" });
export type EvalProgress = z.infer<typeof evalProgressSchema>;

export const evalRunSchema = z
  .object({
    id: z.string(),
    prompt: z.string(),
    dataset: z.string(),
    revision: z.number().int(),
    status: evalRunStatusSchema,
    variants: z.array(evalVariantSchema).meta({ description: "Index = variant number" }),
    scorers: z.array(scorerSpecSchema),
    environment: z.string().nullable(),
    concurrency: z.number().int(),
    requestsPerMinute: z.number().int().nullable(),
    progress: evalProgressSchema,
    summary: runSummarySchema
      .nullable()
      .meta({ description: "Computed live while running, stored when finished" }),
    error: z.string().nullable().meta({ description: "Why a failed run could not go on" }),
    createdAt: timestampSchema,
    createdBy: z.string(),
    startedAt: timestampSchema.nullable(),
    finishedAt: timestampSchema.nullable(),
  })
  .meta({ id: "EvalRun" });
export type EvalRun = z.infer<typeof evalRunSchema>;

export const evalRunListQuerySchema = z
  .object({
    prompt: promptNameSchema.optional(),
    status: evalRunStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: idCursorSchema("run"),
  })
  .strict();
export type EvalRunListQuery = z.infer<typeof evalRunListQuerySchema>;

export const evalRunListSchema = z
  .object({ items: z.array(evalRunSchema), nextCursor: z.string().nullable() })
  .meta({
    id: "EvalRunList",
    description: "Newest first; a running run's summary is null here (GET one run for it)",
  });
export type EvalRunList = z.infer<typeof evalRunListSchema>;

export const caseOutcomeSchema = z.enum(["improved", "regressed", "unchanged"]);
export type CaseOutcome = z.infer<typeof caseOutcomeSchema>;

export const evalResultsQuerySchema = z
  .object({
    variant: z.coerce.number().int().min(0).max(99).optional(),
    outcome: caseOutcomeSchema.optional().meta({
      description: "Cases that improved / regressed / stayed for a candidate against its baseline",
    }),
    scorer: scorerNameSchema.optional().meta({ description: "The scorer `outcome` looks at" }),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    after: idCursorSchema("case"),
  })
  .strict();
export type EvalResultsQuery = z.infer<typeof evalResultsQuerySchema>;

export const evalOutputSchema = z
  .object({
    variant: z.number().int(),
    output: z.unknown().nullable(),
    scores: z.array(evalScoreSchema),
    latencyMs: z.number().nullable(),
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    cost: z.number().nullable(),
    error: z.string().nullable(),
    traceId: z.string().nullable(),
  })
  .meta({ id: "EvalOutput" });
export type EvalOutput = z.infer<typeof evalOutputSchema>;

export const evalDeltaSchema = z
  .object({
    variant: z.number().int().meta({ description: "The candidate variant" }),
    scorer: z.string(),
    delta: z.number().meta({ description: "Candidate minus baseline score" }),
    outcome: caseOutcomeSchema,
  })
  .meta({ id: "EvalDelta" });
export type EvalDelta = z.infer<typeof evalDeltaSchema>;

export const evalCaseResultSchema = z
  .object({
    caseId: z.string(),
    input: z.unknown(),
    expected: z.unknown().nullable(),
    tags: z.array(z.string()),
    outputs: z.array(evalOutputSchema),
    deltas: z.array(evalDeltaSchema),
  })
  .meta({ id: "EvalCaseResult" });
export type EvalCaseResult = z.infer<typeof evalCaseResultSchema>;

export const evalResultsPageSchema = z
  .object({ items: z.array(evalCaseResultSchema), nextCursor: z.string().nullable() })
  .meta({
    id: "EvalResultsPage",
    description:
      "Cases in dataset order. With a filter a page may hold fewer than `limit` items and still have a nextCursor: each page looks at a bounded number of cases.",
  });
export type EvalResultsPage = z.infer<typeof evalResultsPageSchema>;

/** The longest reason a submitted score may carry. */
export const MAX_SCORE_REASON = 2000;
/** How many custom score names (besides its own scorers') one run may have. */
export const MAX_CUSTOM_SCORERS = 20;

/** Scores from the CLI's custom scorers, merged into a run's results. */
export const submitEvalScoresBodySchema = z
  .object({
    scores: z
      .array(
        z
          .object({
            caseId: z.string().min(1).max(64),
            variant: z.number().int().min(0).max(99),
            name: scorerNameSchema,
            score: z.number().min(0).max(1).nullable().optional(),
            reason: z.string().max(MAX_SCORE_REASON).nullable().optional(),
            error: z.string().max(10_000).nullable().optional(),
          })
          .strict()
          .superRefine((s, ctx) => {
            const scored = (s.score ?? null) !== null;
            const failed = (s.error ?? null) !== null;
            if (scored === failed) {
              ctx.addIssue({
                code: "custom",
                message: scored
                  ? "give a score or an error, not both"
                  : "give a score in [0, 1] or an error",
              });
            }
          }),
      )
      .min(1)
      .max(5000),
  })
  .strict()
  .meta({ id: "SubmitEvalScores" });
export type SubmitEvalScoresBody = z.infer<typeof submitEvalScoresBodySchema>;

export const submitEvalScoresResultSchema = z
  .object({ updated: z.number().int(), run: evalRunSchema })
  .meta({ id: "SubmitEvalScoresResult" });

/** The SSE `progress` event of GET /eval-runs/{id}/progress. */
export const evalProgressEventSchema = evalProgressSchema
  .extend({ status: evalRunStatusSchema })
  .meta({ id: "EvalProgressEvent" });
export type EvalProgressEvent = z.infer<typeof evalProgressEventSchema>;

/** A version's latest finished run on one dataset, as the version detail shows it. */
export const versionEvaluationSchema = z
  .object({
    runId: z.string(),
    dataset: z.string(),
    revision: z.number().int(),
    finishedAt: timestampSchema,
    scores: z.array(
      z.object({
        scorer: z.string(),
        mean: z.number(),
        low: z.number(),
        high: z.number(),
        n: z.number().int(),
      }),
    ),
    verdicts: z.array(
      z.object({ scorer: z.string(), verdict: scorerComparisonSchema.shape.verdict }),
    ),
  })
  .meta({ id: "VersionEvaluation" });
export type VersionEvaluation = z.infer<typeof versionEvaluationSchema>;
