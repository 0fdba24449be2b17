import { resolveQuerySchema, versionParamSchema } from "@promptline/core";
import { z } from "zod";

/**
 * Langfuse's public prompt API, as its SDKs send it. Unknown fields are ignored here (newer SDKs
 * add some), unlike in promptline's own API.
 */
const chatMessage = z.object({
  type: z.literal("chatmessage").optional(),
  role: z.string().min(1).max(64),
  content: z.string(),
});
const placeholder = z.object({ type: z.literal("placeholder"), name: z.string().min(1).max(64) });

export const langfuseCreateSchema = z
  .object({
    name: z.string().min(1).max(200),
    type: z.enum(["text", "chat"]).default("text"),
    prompt: z.union([z.string(), z.array(z.union([placeholder, chatMessage])).min(1)]),
    labels: z.array(z.string().max(64)).max(32).default([]),
    tags: z.array(z.string()).max(32).optional(),
    config: z.record(z.string(), z.unknown()).nullish(),
    commitMessage: z.string().max(2000).nullish(),
  })
  .meta({ id: "LangfuseCreatePrompt" });

export const langfuseGetQuerySchema = z.object({
  version: versionParamSchema.optional(),
  label: z.string().max(64).optional(),
  unit: resolveQuerySchema.shape.unit,
  context: resolveQuerySchema.shape.context,
});

export const langfuseListQuerySchema = z.object({
  name: z.string().max(200).optional(),
  label: z.string().max(64).optional(),
  tag: z.string().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const langfuseUpdateLabelsSchema = z
  .object({ newLabels: z.array(z.string().max(64)).max(32) })
  .meta({ id: "LangfuseUpdateLabels" });

export const langfusePromptSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    type: z.enum(["text", "chat"]),
    prompt: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]),
    config: z.record(z.string(), z.unknown()),
    labels: z.array(z.string()),
    tags: z.array(z.string()),
    commitMessage: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    createdBy: z.string(),
    projectId: z.string(),
    isActive: z.null(),
    resolutionGraph: z.null(),
  })
  .meta({ id: "LangfusePrompt" });

export const langfusePromptListSchema = z
  .object({
    data: z.array(
      z.object({
        name: z.string(),
        type: z.enum(["text", "chat"]),
        versions: z.array(z.number().int()),
        labels: z.array(z.string()),
        tags: z.array(z.string()),
        lastUpdatedAt: z.string(),
        lastConfig: z.record(z.string(), z.unknown()),
      }),
    ),
    meta: z.object({
      page: z.number().int(),
      limit: z.number().int(),
      totalItems: z.number().int(),
      totalPages: z.number().int(),
    }),
  })
  .meta({ id: "LangfusePromptList" });

export type LangfuseCreate = z.infer<typeof langfuseCreateSchema>;
export type LangfusePrompt = z.infer<typeof langfusePromptSchema>;
export type LangfusePromptList = z.infer<typeof langfusePromptListSchema>;
export type LangfuseListQuery = z.infer<typeof langfuseListQuerySchema>;
