/** Request shapes of the gateway: an OpenAI Chat Completions request with promptline's extension. */
import { z } from "zod";
import { MAX_STORED_INT } from "../api/common.js";
import { chatMessageSchema, variableNameSchema } from "../prompt/content.js";
import { promptNameSchema } from "../prompt/name.js";
import { providerNameSchema } from "../provider/api.js";
import { contextObjectSchema, MAX_CONTEXT_LENGTH } from "../resolve/api.js";
import { traceOriginSchema } from "../trace/schema.js";

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
    context: contextObjectSchema.optional().meta({
      description: `Who is calling (user id, plan…), for rollouts' targeting; recorded with the trace. At most ${MAX_CONTEXT_LENGTH} characters of JSON`,
    }),
    provider: providerNameSchema.optional().meta({ description: "The connection to call" }),
    userId: z.string().min(1).max(256).optional(),
    sessionId: z.string().min(1).max(256).optional(),
    traceMetadata: z.record(z.string(), z.unknown()).optional(),
    origin: traceOriginSchema.optional().meta({
      description: "playground for a person trying a prompt: kept out of dashboards by default",
    }),
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
