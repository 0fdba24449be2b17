/** Request and response shapes for provider connections. */
import { z } from "zod";

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
const providerApiKeySchema = z
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
    apiKey: providerApiKeySchema.optional(),
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
    apiKey: providerApiKeySchema
      .nullable()
      .optional()
      .meta({ description: "null removes the key" }),
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

export const providerListSchema = z.object({ items: z.array(providerSchema) });
export type ProviderList = z.infer<typeof providerListSchema>;
