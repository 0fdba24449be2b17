/** Request and response shapes for providers, model prices, traces and per-version metrics. */
import { z } from "zod";
import { chatMessageSchema, variableNameSchema } from "../prompt/content.js";
import { promptNameSchema } from "../prompt/name.js";
import { scoreNameSchema, traceSchema, traceStatusSchema } from "../trace/schema.js";
import { MAX_STORED_INT, versionParamSchema } from "./index.js";

// ---- providers ----

export const providerKindSchema = z.enum(["openai", "anthropic", "echo"]).meta({
  description:
    "openai: any OpenAI-compatible API (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, llama.cpp, OpenRouter, LiteLLM); anthropic: the native Messages API; echo: answers with the rendered prompt, for dry runs",
});
export type ProviderKind = z.infer<typeof providerKindSchema>;

export const providerNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    "a provider name has 1-63 lowercase letters, digits, '-' or '_' (e.g. openai, azure-eu)",
  );

/** Whether a URL names a user or password, read as the client that calls it will read it. */
function carriesCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false; // not a URL at all: z.url() reports that
  }
}

const baseUrlSchema = z
  .url({ protocol: /^https?$/, message: "baseUrl must be an http:// or https:// URL" })
  .max(2000)
  .refine(
    (url) => !carriesCredentials(url),
    "baseUrl must not carry credentials (user:password@): give the key as apiKey, which is stored encrypted",
  )
  .meta({
    example: "https://api.openai.com/v1",
    description:
      "May carry a query string (Azure: ?api-version=…); only admins see its values, everyone else and the audit log see the parameter names with the values masked (api-version is shown)",
  });
const apiKeySchema = z
  .string()
  .trim()
  .min(1)
  .max(4000)
  .regex(
    /^[\x21-\x7e]+$/,
    "apiKey may hold only visible ASCII characters (no spaces or line breaks)",
  )
  .meta({ description: "Write-only" });
/** Headers the client sets itself: a key sent in one of them would break the request. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "connection",
  "transfer-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "accept",
  "anthropic-version",
]);
const apiKeyHeaderSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, "apiKeyHeader is an HTTP header name, e.g. api-key")
  .refine(
    (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
    "apiKeyHeader names a header the request needs for itself",
  )
  .meta({
    description:
      "Send the key raw in this header instead of 'Authorization: Bearer' (Azure: api-key)",
  });
const timeoutSchema = z.number().int().min(100).max(600_000);
const retriesSchema = z.number().int().min(0).max(10);

export const createProviderBodySchema = z
  .object({
    name: providerNameSchema,
    kind: providerKindSchema,
    baseUrl: baseUrlSchema.optional(),
    apiKey: apiKeySchema.optional(),
    apiKeyHeader: apiKeyHeaderSchema.optional(),
    defaultModel: z.string().min(1).max(200).optional(),
    timeoutMs: timeoutSchema.default(60_000),
    maxRetries: retriesSchema.default(2),
  })
  .strict()
  .meta({ id: "CreateProvider" });
export type CreateProviderBody = z.infer<typeof createProviderBodySchema>;

export const updateProviderBodySchema = z
  .object({
    baseUrl: baseUrlSchema.nullable().optional(),
    apiKey: apiKeySchema.nullable().optional().meta({ description: "null removes the key" }),
    apiKeyHeader: apiKeyHeaderSchema.nullable().optional(),
    defaultModel: z.string().min(1).max(200).nullable().optional(),
    timeoutMs: timeoutSchema.optional(),
    maxRetries: retriesSchema.optional(),
  })
  .strict()
  .meta({ id: "UpdateProvider" });
export type UpdateProviderBody = z.infer<typeof updateProviderBodySchema>;

export const providerSchema = z
  .object({
    name: z.string(),
    kind: providerKindSchema,
    baseUrl: z.string().nullable().meta({
      description:
        "As entered, for admins; for everyone else with every query value but api-version shown as ***",
    }),
    hasApiKey: z.boolean(),
    apiKeyHint: z
      .string()
      .nullable()
      .meta({ description: "The key masked to its last four characters, e.g. …x7Qa" }),
    apiKeyHeader: z.string().nullable(),
    defaultModel: z.string().nullable(),
    timeoutMs: z.number(),
    maxRetries: z.number(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Provider" });
export type Provider = z.infer<typeof providerSchema>;

// ---- model prices ----

export const modelNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, "a model name has no whitespace");

export const setModelPriceBodySchema = z
  .object({
    inputPerMillion: z.number().min(0).max(100_000),
    outputPerMillion: z.number().min(0).max(100_000),
  })
  .strict()
  .meta({ id: "SetModelPrice" });

export const modelPriceSchema = z
  .object({
    model: z.string(),
    inputPerMillion: z.number(),
    outputPerMillion: z.number(),
    source: z.enum(["default", "project"]),
  })
  .meta({ id: "ModelPrice" });
export type ModelPriceView = z.infer<typeof modelPriceSchema>;

// ---- traces ----

const timeQuery = z.iso.datetime({ offset: true, message: "an ISO-8601 timestamp" });

/** Filters shared by the trace list and the metrics. */
const traceFilterFields = {
  prompt: promptNameSchema.optional(),
  version: versionParamSchema.optional(),
  label: z.string().max(64).optional(),
  variant: z.string().max(64).optional(),
  model: z.string().max(200).optional(),
  provider: z.string().max(64).optional(),
  status: traceStatusSchema.optional(),
  userId: z.string().max(256).optional(),
  sessionId: z.string().max(256).optional(),
  from: timeQuery.optional().meta({ description: "Calls that started at or after this time" }),
  to: timeQuery.optional().meta({ description: "Calls that started before this time" }),
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

export const ingestBodySchema = z
  .object({
    traces: z
      .array(z.unknown())
      .min(1, "send at least one trace")
      .max(5000, "send at most 5,000 traces per batch"),
  })
  .strict()
  .meta({ id: "TraceBatch" });

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

export const metricsQuerySchema = z
  .object({
    ...traceFilterFields,
    prompt: promptNameSchema.meta({ description: "The prompt whose versions are compared" }),
    bucket: z.enum(["hour", "day"]).default("day"),
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
    versions: z.array(
      z.object({
        version: z.number().nullable(),
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

// ---- gateway ----

/**
 * promptline's extension of an OpenAI Chat Completions request, in the body as `promptline`
 * (the same fields also travel as X-Promptline-* headers for clients that cannot add body fields).
 */
export const gatewayExtensionSchema = z
  .object({
    prompt: promptNameSchema.optional().meta({ description: "The managed prompt to prepend" }),
    label: z.string().min(1).max(64).optional().meta({ description: "Defaults to production" }),
    version: z.number().int().positive().max(MAX_STORED_INT).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    placeholders: z.record(variableNameSchema, z.array(chatMessageSchema)).optional(),
    context: z.record(z.string(), z.unknown()).optional().meta({
      description: "Who is calling (user id, plan…), for rollouts; recorded with the trace",
    }),
    provider: providerNameSchema.optional().meta({ description: "The connection to call" }),
    userId: z.string().min(1).max(256).optional(),
    sessionId: z.string().min(1).max(256).optional(),
    traceMetadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: "GatewayExtension" });
export type GatewayExtension = z.infer<typeof gatewayExtensionSchema>;

export const gatewayRequestSchema = z
  .looseObject({
    model: z
      .string()
      .min(1, "model is required: a model name, or prompt:<name>[@label|#version]")
      .max(300),
    messages: z
      .array(z.looseObject({ role: z.string().min(1).max(64) }))
      .max(10_000)
      .default([]),
    stream: z.boolean().nullish(),
    promptline: gatewayExtensionSchema.optional(),
  })
  .meta({ id: "ChatCompletionRequest" });
export type GatewayRequest = z.infer<typeof gatewayRequestSchema>;
