/** Request and response shapes for listing, ingesting and comparing traces. */
import { z } from "zod";
import { timeQuerySchema, versionParamSchema } from "../api/common.js";
import { promptNameSchema } from "../prompt/name.js";
import { scoreNameSchema, traceOriginSchema, traceSchema, traceStatusSchema } from "./schema.js";

/** Filters shared by the trace list and the metrics. */
const traceFilterFields = {
  prompt: promptNameSchema.optional(),
  version: versionParamSchema.optional(),
  label: z.string().max(64).optional(),
  variant: z.string().max(64).optional(),
  model: z.string().max(200).optional(),
  provider: z.string().max(64).optional(),
  status: traceStatusSchema.optional(),
  origin: z
    .enum([...traceOriginSchema.options, "all"])
    .optional()
    .meta({
      description: "production or playground calls, or all; the list shows all, metrics production",
    }),
  userId: z.string().max(256).optional(),
  sessionId: z.string().max(256).optional(),
  from: timeQuerySchema
    .optional()
    .meta({ description: "Calls that started at or after this time" }),
  to: timeQuerySchema.optional().meta({ description: "Calls that started before this time" }),
};

export const traceListQuerySchema = z
  .object({
    ...traceFilterFields,
    q: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "Text in the input, output or error" }),
    scoreName: scoreNameSchema.optional(),
    minScore: z.coerce.number().finite().optional(),
    maxScore: z.coerce.number().finite().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional().meta({ description: "nextCursor of the previous page" }),
  })
  .strict();
export type TraceListQuery = z.infer<typeof traceListQuerySchema>;

export const traceListSchema = z
  .object({ items: z.array(traceSchema), nextCursor: z.string().nullable() })
  .meta({ id: "TraceList" });
export type TraceList = z.infer<typeof traceListSchema>;

export const ingestBodySchema = z
  .object({
    traces: z
      .array(z.unknown())
      .min(1, "send at least one trace")
      .max(5000, "send at most 5,000 traces per batch"),
  })
  .strict()
  .meta({ id: "TraceBatch" });
export type IngestBody = z.infer<typeof ingestBodySchema>;

export const ingestResultSchema = z
  .object({
    accepted: z.number().int(),
    ids: z.array(z.string()).meta({ description: "Ids of the accepted traces, in batch order" }),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().optional(),
        reasons: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: "IngestResult" });
export type IngestResult = z.infer<typeof ingestResultSchema>;

/** What the metrics' entries are: versions, or versions split by the rollout variant that served them. */
export const METRIC_GROUPS = ["version", "variant"] as const;

export const metricsQuerySchema = z
  .object({
    ...traceFilterFields,
    prompt: promptNameSchema.meta({ description: "The prompt whose versions are compared" }),
    bucket: z.enum(["hour", "day"]).default("day"),
    groupBy: z.enum(METRIC_GROUPS).optional().meta({
      description:
        "version (the default): one entry per version; variant: one per version and rollout variant (control, candidate, or null for calls outside a rollout)",
    }),
  })
  .strict();
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

const metricFigures = {
  calls: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number(),
  latencyP50: z.number().nullable(),
  latencyP95: z.number().nullable(),
  latencyP99: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cost: z.number(),
  avgCostPerCall: z.number().nullable(),
  scores: z.record(z.string(), z.object({ count: z.number().int(), mean: z.number() })),
};

export const versionMetricsSchema = z
  .object({
    prompt: z.string(),
    bucket: z.enum(["hour", "day"]),
    groupBy: z.enum(METRIC_GROUPS),
    versions: z.array(
      z.object({
        version: z.number().nullable(),
        variant: z.string().nullable().optional().meta({
          description:
            "With groupBy=variant: the variant that served these calls (control or candidate while a rollout runs), null for calls outside a rollout",
        }),
        ...metricFigures,
        series: z.array(z.object({ time: z.string(), ...metricFigures })),
      }),
    ),
    deployments: z
      .array(
        z.object({
          environment: z.string(),
          kind: z.string(),
          fromVersion: z.number().nullable(),
          toVersion: z.number(),
          actor: z.string(),
          at: z.string(),
        }),
      )
      .meta({ description: "Label moves in the time range, to mark on the time axis" }),
  })
  .meta({ id: "VersionMetrics" });
export type VersionMetrics = z.infer<typeof versionMetricsSchema>;
