/**
 * A trace is one LLM call in production (a generation), tagged with the exact prompt version,
 * label and rollout variant that produced it. These are the shapes traces are sent and read in.
 */
import { z } from "zod";
import { MAX_STORED_INT } from "../api/common.js";
import { promptNameSchema } from "../prompt/name.js";

/** Token counts are stored as 32-bit integers, as on PostgreSQL. */
export const tokenCountSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_STORED_INT, `at most ${MAX_STORED_INT}`);
const count = tokenCountSchema;
const isoTime = z.iso.datetime({
  offset: true,
  message: "an ISO-8601 timestamp, e.g. 2026-11-27T16:00:00.000Z",
});

export const TRACE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const traceIdSchema = z
  .string()
  .regex(TRACE_ID_PATTERN, "a trace id has 8-64 letters, digits, '_' or '-'");

export const traceStatusSchema = z.enum(["ok", "error"]);
export type TraceStatus = z.infer<typeof traceStatusSchema>;

/**
 * Where a call came from: `production`, an application's traffic (whatever label it used), or
 * `playground`, a person trying a prompt in the workspace. Dashboards count production only
 * unless asked otherwise, so trying a prompt never moves a version's figures.
 */
/** Who made the call: an application, a person in the playground, or an evaluation run. */
export const traceOriginSchema = z.enum(["production", "playground", "evaluation"]);
export type TraceOrigin = z.infer<typeof traceOriginSchema>;

/** A score name: `feedback` for people's thumbs or ratings, anything else for evaluators. */
export const scoreNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "a score name has 1-64 letters, digits, '_', '.', ':' or '-'");

export const scoreInputSchema = z
  .object({
    name: scoreNameSchema.default("feedback"),
    value: z
      .union([z.number().finite(), z.boolean()])
      .meta({ description: "A number, or true/false for thumbs up/down (stored as 1/0)" }),
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .meta({ id: "ScoreInput" });
export type ScoreInput = z.input<typeof scoreInputSchema>;

export const usageSchema = z
  .object({
    inputTokens: count.optional(),
    outputTokens: count.optional(),
    totalTokens: count.optional(),
  })
  .strict()
  .meta({ id: "Usage" });
export type Usage = z.infer<typeof usageSchema>;

export const tracePromptRefSchema = z
  .object({
    name: promptNameSchema,
    version: z.number().int().positive().max(MAX_STORED_INT).optional(),
    label: z.string().min(1).max(64).optional(),
  })
  .strict()
  .meta({ id: "TracePromptRef" });

/** What an application (or the gateway, or an OTLP span once mapped) reports about one call. */
export const traceInputSchema = z
  .object({
    id: traceIdSchema
      .optional()
      .meta({ description: "Client-chosen id; sending the same id twice stores the trace once" }),
    startTime: isoTime,
    endTime: isoTime.optional(),
    prompt: tracePromptRefSchema.optional(),
    variant: z.string().min(1).max(64).optional(),
    provider: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(200).optional(),
    input: z.unknown().optional().meta({ description: "The messages (or text) sent to the model" }),
    output: z.unknown().optional().meta({ description: "What the model answered" }),
    usage: usageSchema.optional(),
    cost: z
      .number()
      .min(0)
      .finite()
      .optional()
      .meta({ description: "USD; computed from the model price table when absent" }),
    latencyMs: z
      .number()
      .min(0)
      .finite()
      .optional()
      .meta({ description: "Total latency; endTime - startTime when absent" }),
    timeToFirstTokenMs: z.number().min(0).finite().optional(),
    status: traceStatusSchema.default("ok"),
    origin: traceOriginSchema
      .default("production")
      .meta({ description: "production (an application's call) or playground" }),
    error: z.string().max(10_000).optional(),
    userId: z.string().min(1).max(256).optional(),
    sessionId: z.string().min(1).max(256).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    scores: z.array(scoreInputSchema).max(50).optional(),
  })
  .strict()
  .superRefine((trace, ctx) => {
    if (trace.endTime !== undefined && Date.parse(trace.endTime) < Date.parse(trace.startTime)) {
      ctx.addIssue({ code: "custom", path: ["endTime"], message: "endTime is before startTime" });
    }
    if (trace.status === "ok" && trace.error !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: "a trace with an error has status 'error'",
      });
    }
  })
  .meta({ id: "TraceInput" });
export type TraceInput = z.input<typeof traceInputSchema>;
export type ParsedTraceInput = z.output<typeof traceInputSchema>;

export const scoreSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    value: z.number(),
    comment: z.string().nullable(),
    source: z.enum(["api", "ingest", "evaluation"]),
    actor: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "Score" });

export const traceSchema = z
  .object({
    id: z.string(),
    source: z.enum(["gateway", "api", "otlp"]),
    startTime: z.string(),
    endTime: z.string().nullable(),
    prompt: z
      .object({ name: z.string(), version: z.number().nullable(), label: z.string().nullable() })
      .nullable(),
    variant: z.string().nullable(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    usage: z.object({
      inputTokens: z.number().nullable(),
      outputTokens: z.number().nullable(),
      totalTokens: z.number().nullable(),
    }),
    cost: z.number().nullable(),
    latencyMs: z.number().nullable(),
    timeToFirstTokenMs: z.number().nullable(),
    status: traceStatusSchema,
    origin: traceOriginSchema,
    error: z.string().nullable(),
    userId: z.string().nullable(),
    sessionId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    ingestedAt: z.string(),
  })
  .meta({ id: "TraceSummary" });

export const traceDetailSchema = traceSchema
  .extend({ input: z.unknown(), output: z.unknown(), scores: z.array(scoreSchema) })
  .meta({ id: "Trace" });

export type TraceSummary = z.infer<typeof traceSchema>;
export type TraceDetail = z.infer<typeof traceDetailSchema>;
export type Score = z.infer<typeof scoreSchema>;

/** Why one trace of a batch was refused; the others in the batch are kept. */
export const traceRejectionSchema = z
  .object({ index: z.number().int(), id: z.string().optional(), reasons: z.array(z.string()) })
  .meta({ id: "TraceRejection" });
export type TraceRejection = z.infer<typeof traceRejectionSchema>;
