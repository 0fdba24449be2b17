/** Request and response shapes of the client API: resolving and compiling a prompt. */
import { z } from "zod";
import { versionNumberSchema, versionParamSchema } from "../api/common.js";
import {
  chatMessageSchema,
  promptContentSchema,
  promptTypeSchema,
  variableNameSchema,
  variableTypeSchema,
} from "../prompt/content.js";
import { deliveredRolloutSchema, ROLLOUT_VARIANTS } from "../rollout/api.js";

/** A caller's context, as JSON text, is at most this long: it is read on every request. */
export const MAX_CONTEXT_LENGTH = 4096;

export const resolveQuerySchema = z
  .object({
    label: z.string().max(64).optional().meta({ description: "Defaults to production" }),
    version: versionParamSchema.optional(),
    unit: z.string().min(1).max(256).optional().meta({
      description:
        "The caller's unit (a user id) when the label has a running rollout: assigns a version. Also the X-Promptline-Unit header. Without one, the control is served",
    }),
    context: z.string().max(MAX_CONTEXT_LENGTH).optional().meta({
      description:
        'The caller\'s context attributes as a JSON object, for targeting rules, e.g. {"plan":"pro"}',
    }),
  })
  .strict();
export type ResolveQuery = z.infer<typeof resolveQuerySchema>;

export const variableInfoSchema = z.object({
  name: variableNameSchema,
  type: variableTypeSchema.optional(),
  required: z.boolean(),
  default: z.unknown().optional(),
  description: z.string().optional(),
});
export type VariableInfo = z.infer<typeof variableInfoSchema>;

export const resolvedPromptSchema = z
  .object({
    name: z.string(),
    version: versionNumberSchema,
    semver: z.string(),
    label: z.string().nullable(),
    contentHash: z.string(),
    content: promptContentSchema,
    variables: z.array(variableInfoSchema),
    rollout: deliveredRolloutSchema.optional().meta({
      description:
        "The rollout running on this label, for clients that assign callers themselves (the SDK); this prompt is its control",
    }),
    variant: z.enum(ROLLOUT_VARIANTS).optional().meta({
      description: "The variant a unit was assigned when one was given and a rollout runs",
    }),
  })
  .meta({ id: "ResolvedPrompt" });
export type ResolvedPrompt = z.infer<typeof resolvedPromptSchema>;

/** A caller's context attributes in a JSON body (the compile API's, the gateway's). */
export const contextObjectSchema = z
  .record(z.string(), z.unknown())
  .refine((c) => JSON.stringify(c).length <= MAX_CONTEXT_LENGTH, {
    message: `at most ${MAX_CONTEXT_LENGTH} characters of JSON`,
  });

export const compileBodySchema = z
  .object({
    label: z.string().max(64).optional(),
    version: versionNumberSchema.optional(),
    variables: z.record(z.string(), z.unknown()).default({}),
    placeholders: z.record(variableNameSchema, z.array(chatMessageSchema)).default({}),
    unit: resolveQuerySchema.shape.unit,
    context: contextObjectSchema.optional().meta({
      description:
        'The caller\'s context attributes, for targeting rules (and the unit, when the rollout\'s unit attribute is among them), e.g. {"plan":"pro"}',
    }),
  })
  .strict()
  .meta({ id: "Compile" });
export type CompileBody = z.infer<typeof compileBodySchema>;

export const compiledPromptSchema = z
  .object({
    name: z.string(),
    version: versionNumberSchema,
    semver: z.string(),
    label: z.string().nullable(),
    type: promptTypeSchema,
    messages: z.array(chatMessageSchema).optional(),
    text: z.string().optional(),
    config: z.record(z.string(), z.unknown()),
    variant: z.enum(ROLLOUT_VARIANTS).optional().meta({
      description: "The variant a unit was assigned when one was given and a rollout runs",
    }),
  })
  .meta({ id: "CompiledPrompt" });
export type CompiledPromptResult = z.infer<typeof compiledPromptSchema>;
