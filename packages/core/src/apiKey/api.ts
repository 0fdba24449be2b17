/** Request and response shapes for API keys. */
import { z } from "zod";
import { roleSchema } from "../access/index.js";
import { timestampSchema } from "../api/common.js";

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    prefix: z.string().meta({ description: "The first characters of the key, to recognise it" }),
    publicKey: z
      .string()
      .nullable()
      .meta({ description: "For Langfuse-style key pairs: the public key (pk-lf-…)" }),
    createdAt: timestampSchema,
    createdBy: z.string(),
    revokedAt: timestampSchema.nullable(),
  })
  .meta({ id: "ApiKey" });
export type ApiKey = z.infer<typeof apiKeySchema>;

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) });
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

export const createApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: roleSchema,
    kind: z.enum(["bearer", "langfuse"]).default("bearer").meta({
      description:
        "bearer: one pl_… key for Authorization: Bearer. langfuse: a pk-lf-…/sk-lf-… pair for Basic auth, as Langfuse SDKs send it",
    }),
  })
  .strict()
  .meta({ id: "CreateApiKey" });
export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().meta({
      description: "The secret (for a pair, sk-lf-…): shown this once, stored only as a hash",
    }),
  })
  .meta({ id: "CreatedApiKey" });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
