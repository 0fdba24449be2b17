import { z } from "zod";

/** Variable and placeholder names: identifiers, as in `{{customer_name}}`. */
export const variableNameSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    "a variable name starts with a letter or '_' and has only letters, digits and '_' (at most 64)",
  );

export const MAX_TEMPLATE_LENGTH = 100_000;
const templateText = z
  .string()
  .max(MAX_TEMPLATE_LENGTH, "a template is at most 100,000 characters");

export const messageRoleSchema = z.enum(["system", "user", "assistant"]);

export const chatMessageSchema = z
  .object({ role: messageRoleSchema, content: templateText })
  .strict()
  .meta({ id: "ChatMessage" });

/** Where compiled conversation history (or any list of messages) is spliced in. */
export const placeholderSchema = z
  .object({ type: z.literal("placeholder"), name: variableNameSchema })
  .strict()
  .meta({ id: "MessagePlaceholder" });

export const promptMessageSchema = z.union([chatMessageSchema, placeholderSchema]);

export const variableTypeSchema = z.enum(["string", "number", "boolean", "object", "array"]);

export const variableSpecSchema = z
  .object({
    type: variableTypeSchema.default("string"),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    description: z.string().max(1000).optional(),
  })
  .strict()
  .meta({ id: "VariableSpec" });

export const variableSchemaSchema = z.record(variableNameSchema, variableSpecSchema);

const jsonObject = z.record(z.string(), z.unknown());

export const toolSchema = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "a tool name has 1-64 letters, digits, _ or -"),
        description: z.string().max(2000).optional(),
        parameters: jsonObject.optional(),
      })
      .strict(),
  })
  .strict();

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  z
    .object({
      type: z.literal("json_schema"),
      name: z.string().min(1).max(64),
      schema: jsonObject,
      strict: z.boolean().optional(),
    })
    .strict(),
]);

export const modelConfigSchema = z
  .object({
    provider: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(200).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().max(1_000_000).optional(),
    topP: z.number().min(0).max(1).optional(),
    stop: z.array(z.string().max(100)).max(8).optional(),
    tools: z.array(toolSchema).max(128).optional(),
    responseFormat: responseFormatSchema.optional(),
    extra: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Other provider parameters, passed through unchanged" }),
  })
  .strict()
  .meta({ id: "ModelConfig" });

export const outputConstraintsSchema = z
  .object({
    jsonSchema: jsonObject.optional(),
    maxLength: z.number().int().positive().optional(),
    pattern: z.string().max(1000).optional(),
  })
  .strict()
  .meta({ id: "OutputConstraints" });

const sharedContent = {
  variables: variableSchemaSchema.optional(),
  config: modelConfigSchema.optional(),
  constraints: outputConstraintsSchema.optional(),
};

export const chatContentSchema = z
  .object({
    type: z.literal("chat"),
    messages: z
      .array(promptMessageSchema)
      .min(1, "a chat prompt has at least one message")
      .max(200),
    ...sharedContent,
  })
  .strict();

export const textContentSchema = z
  .object({ type: z.literal("text"), text: templateText, ...sharedContent })
  .strict();

/** What a draft holds and a version freezes: the part of a prompt that is hashed and diffed. */
export const promptContentSchema = z
  .discriminatedUnion("type", [chatContentSchema, textContentSchema])
  .meta({ id: "PromptContent" });

export const promptTypeSchema = z.enum(["chat", "text"]);

export type PromptType = z.infer<typeof promptTypeSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type PromptMessage = z.infer<typeof promptMessageSchema>;
export type VariableSpec = z.infer<typeof variableSpecSchema>;
export type VariableSchema = z.infer<typeof variableSchemaSchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type OutputConstraints = z.infer<typeof outputConstraintsSchema>;
export type PromptContent = z.infer<typeof promptContentSchema>;
export type ChatContent = z.infer<typeof chatContentSchema>;
export type TextContent = z.infer<typeof textContentSchema>;

/** The empty draft a new prompt starts with. */
export function emptyContent(type: PromptType): PromptContent {
  return type === "chat"
    ? { type, messages: [{ role: "system", content: "" }] }
    : { type, text: "" };
}
