/**
 * Request and response shapes of the HTTP API: the server validates with them and generates its
 * OpenAPI document from them; the CLI (and later the SDK and web UI) read their types.
 */
import { z } from "zod";
import { roleSchema } from "../access/index.js";
import { environmentNameSchema } from "../environment/index.js";
import {
  chatMessageSchema,
  promptContentSchema,
  promptTypeSchema,
  variableNameSchema,
  variableTypeSchema,
} from "../prompt/content.js";
import { promptNameSchema, tagSchema } from "../prompt/name.js";
import { bumpLevelSchema } from "../version/semver.js";

const timestamp = z
  .string()
  .meta({ description: "ISO-8601 UTC timestamp", example: "2026-11-27T16:00:00.000Z" });
/** Version numbers and ids are 32-bit integers in storage: larger ones cannot exist. */
export const MAX_STORED_INT = 2_147_483_647;
const versionNumber = z.number().int().positive().max(MAX_STORED_INT, `at most ${MAX_STORED_INT}`);
/** A version number in a query string or path. */
export const versionParamSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_STORED_INT, `at most ${MAX_STORED_INT}`);

export const problemSchema = z
  .object({
    status: z.number().int(),
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ id: "Problem", description: "Every error: what went wrong and what to fix." });

// ---- prompts ----

const descriptionSchema = z.string().max(2000);
const tagsSchema = z.array(tagSchema).max(32);

export const createPromptBodySchema = z
  .object({
    name: promptNameSchema,
    type: promptTypeSchema,
    description: descriptionSchema.optional(),
    tags: tagsSchema.optional(),
    draft: promptContentSchema.optional(),
  })
  .strict()
  .meta({ id: "CreatePrompt" });

export const updatePromptBodySchema = z
  .object({ description: descriptionSchema.optional(), tags: tagsSchema.optional() })
  .strict()
  .meta({ id: "UpdatePrompt" });

export const promptSchema = z
  .object({
    name: z.string(),
    type: promptTypeSchema,
    description: z.string(),
    tags: z.array(z.string()),
    latestVersion: versionNumber.nullable(),
    labels: z.record(z.string(), versionNumber).meta({
      description: "Which version each environment serves, e.g. { production: 3, staging: 4 }",
    }),
    createdAt: timestamp,
    createdBy: z.string(),
    updatedAt: timestamp,
  })
  .meta({ id: "Prompt" });

export const promptDetailSchema = promptSchema
  .extend({
    draft: promptContentSchema,
    draftVariables: z.array(z.string()),
    draftUpdatedAt: timestamp,
    draftUpdatedBy: z.string(),
  })
  .meta({ id: "PromptDetail" });

export const promptListQuerySchema = z
  .object({
    folder: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Only prompts under this folder, e.g. support" }),
    tag: tagSchema.optional(),
    q: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Case-insensitive text in name, description or tags" }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Cursor: the last name of the previous page" }),
  })
  .strict();

export const promptListSchema = z
  .object({ items: z.array(promptSchema), nextCursor: z.string().nullable() })
  .meta({ id: "PromptList" });

// ---- versions ----

export const bumpSuggestionSchema = z
  .object({
    level: bumpLevelSchema,
    reasons: z.array(z.object({ level: bumpLevelSchema, reason: z.string() })),
  })
  .meta({ id: "BumpSuggestion" });

export const publishBodySchema = z
  .object({
    commitMessage: z.string().trim().min(1, "say what changed and why").max(2000),
    bump: bumpLevelSchema
      .optional()
      .meta({ description: "Declared bump level; the server's suggestion is used when omitted" }),
    content: promptContentSchema
      .optional()
      .meta({ description: "Replace the draft with this content, then publish it" }),
  })
  .strict()
  .meta({ id: "Publish" });

export const versionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: versionNumber,
    semver: z.string(),
    bump: bumpLevelSchema.nullable().meta({ description: "null for the first version" }),
    suggestedBump: bumpSuggestionSchema.nullable(),
    content: promptContentSchema,
    contentHash: z.string(),
    variables: z.array(z.string()),
    commitMessage: z.string(),
    author: z.string(),
    createdAt: timestamp,
    parentVersion: versionNumber.nullable(),
    labels: z.array(z.string()),
  })
  .meta({ id: "Version" });

export const publishResultSchema = versionSchema
  .extend({
    created: z
      .boolean()
      .meta({ description: "false when identical content was already published" }),
  })
  .meta({ id: "PublishResult" });

export const versionListSchema = z
  .object({ items: z.array(versionSchema) })
  .meta({ id: "VersionList" });

export const draftBumpSchema = z
  .object({
    baseVersion: versionNumber.nullable(),
    nextSemver: z.string(),
    identicalTo: versionNumber.nullable(),
    suggestion: bumpSuggestionSchema.nullable(),
  })
  .meta({ id: "DraftBump" });

/** `3`, `production`, `latest` or `draft`: what a diff side or resolve names. */
export const versionRefSchema = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: "A version number, a label (production, latest …) or draft" });

export const diffQuerySchema = z.object({ from: versionRefSchema, to: versionRefSchema }).strict();

export const fieldChangeSchema = z.object({
  path: z.string(),
  kind: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  patch: z.string().optional(),
});

const diffSideSchema = z.object({
  ref: z.string(),
  version: versionNumber.nullable(),
  semver: z.string().nullable(),
});

export const diffSchema = z
  .object({
    name: z.string(),
    from: diffSideSchema,
    to: diffSideSchema,
    identical: z.boolean(),
    changes: z.array(fieldChangeSchema),
    unified: z.string(),
    suggestedBump: bumpSuggestionSchema,
  })
  .meta({ id: "Diff" });

// ---- environments, deployments, rollbacks ----

export const environmentSchema = z
  .object({ name: z.string(), protected: z.boolean(), createdAt: timestamp, createdBy: z.string() })
  .meta({ id: "Environment" });

export const createEnvironmentBodySchema = z
  .object({ name: environmentNameSchema, protected: z.boolean().default(false) })
  .strict()
  .meta({ id: "CreateEnvironment" });

export const reasonSchema = z.string().trim().max(2000);

export const deployBodySchema = z
  .object({
    environment: environmentNameSchema,
    version: versionNumber,
    reason: reasonSchema.optional(),
  })
  .strict()
  .meta({ id: "Deploy" });

export const rollbackBodySchema = z
  .object({
    environment: environmentNameSchema,
    toVersion: versionNumber.optional().meta({
      description: "Omit to undo the label's last move; give a version to roll back to it",
    }),
    reason: reasonSchema.optional(),
  })
  .strict()
  .meta({ id: "Rollback" });

export const deploymentSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    environment: z.string(),
    kind: z.enum(["deploy", "rollback"]),
    fromVersion: versionNumber.nullable(),
    toVersion: versionNumber,
    revertsId: z.number().int().nullable(),
    actor: z.string(),
    reason: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: "Deployment" });

export const deploymentHistoryQuerySchema = z
  .object({
    environment: environmentNameSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: versionParamSchema.optional().meta({ description: "Cursor: a deployment id" }),
  })
  .strict();

export const deploymentListSchema = z
  .object({ items: z.array(deploymentSchema), nextCursor: z.number().int().nullable() })
  .meta({ id: "DeploymentList" });

export const labelAtQuerySchema = z
  .object({ environment: environmentNameSchema, at: z.iso.datetime({ offset: true }) })
  .strict();

export const labelAtSchema = z
  .object({
    name: z.string(),
    environment: z.string(),
    at: timestamp,
    version: versionNumber
      .nullable()
      .meta({ description: "null when the label pointed nowhere then" }),
    deployment: deploymentSchema.nullable(),
  })
  .meta({ id: "LabelAt" });

// ---- api keys ----

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
    createdAt: timestamp,
    createdBy: z.string(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: "ApiKey" });

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

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().meta({
      description: "The secret (for a pair, sk-lf-…): shown this once, stored only as a hash",
    }),
  })
  .meta({ id: "CreatedApiKey" });

// ---- client API: resolve and compile ----

export const resolveQuerySchema = z
  .object({
    label: z.string().max(64).optional().meta({ description: "Defaults to production" }),
    version: versionParamSchema.optional(),
  })
  .strict();

export const variableInfoSchema = z.object({
  name: variableNameSchema,
  type: variableTypeSchema.optional(),
  required: z.boolean(),
  default: z.unknown().optional(),
  description: z.string().optional(),
});

export const resolvedPromptSchema = z
  .object({
    name: z.string(),
    version: versionNumber,
    semver: z.string(),
    label: z.string().nullable(),
    contentHash: z.string(),
    content: promptContentSchema,
    variables: z.array(variableInfoSchema),
  })
  .meta({ id: "ResolvedPrompt" });

export const compileBodySchema = z
  .object({
    label: z.string().max(64).optional(),
    version: versionNumber.optional(),
    variables: z.record(z.string(), z.unknown()).default({}),
    placeholders: z.record(variableNameSchema, z.array(chatMessageSchema)).default({}),
  })
  .strict()
  .meta({ id: "Compile" });

export const compiledPromptSchema = z
  .object({
    name: z.string(),
    version: versionNumber,
    semver: z.string(),
    label: z.string().nullable(),
    type: promptTypeSchema,
    messages: z.array(chatMessageSchema).optional(),
    text: z.string().optional(),
    config: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "CompiledPrompt" });

export type Problem = z.infer<typeof problemSchema>;
export type CreatePromptBody = z.infer<typeof createPromptBodySchema>;
export type UpdatePromptBody = z.infer<typeof updatePromptBodySchema>;
export type PromptSummary = z.infer<typeof promptSchema>;
export type PromptDetail = z.infer<typeof promptDetailSchema>;
export type PromptListQuery = z.infer<typeof promptListQuerySchema>;
export type PromptList = z.infer<typeof promptListSchema>;
export type PublishBody = z.infer<typeof publishBodySchema>;
export type PromptVersion = z.infer<typeof versionSchema>;
export type PublishResult = z.infer<typeof publishResultSchema>;
export type DraftBump = z.infer<typeof draftBumpSchema>;
export type VersionDiff = z.infer<typeof diffSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type CreateEnvironmentBody = z.infer<typeof createEnvironmentBodySchema>;
export type DeployBody = z.infer<typeof deployBodySchema>;
export type RollbackBody = z.infer<typeof rollbackBodySchema>;
export type Deployment = z.infer<typeof deploymentSchema>;
export type DeploymentHistoryQuery = z.infer<typeof deploymentHistoryQuerySchema>;
export type DeploymentList = z.infer<typeof deploymentListSchema>;
export type LabelAt = z.infer<typeof labelAtSchema>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
export type ResolvedPrompt = z.infer<typeof resolvedPromptSchema>;
export type VariableInfo = z.infer<typeof variableInfoSchema>;
export type CompileBody = z.infer<typeof compileBodySchema>;
export type CompiledPromptResult = z.infer<typeof compiledPromptSchema>;

// ---- change feed (server-sent events) ----

/** The event types the change feed carries: whatever changes what a client resolves. */
export const FEED_EVENT_TYPES = [
  "prompt.created",
  "prompt.updated",
  "version.published",
  "label.deployed",
  "label.rolled_back",
] as const;

export const changeEventSchema = z
  .object({
    id: z.number().int().meta({ description: "Increasing per project; resume with Last-Event-ID" }),
    type: z.enum(FEED_EVENT_TYPES),
    name: z.string().meta({ description: "The prompt that changed" }),
    payload: z.record(z.string(), z.unknown()),
    actor: z.string(),
    createdAt: timestamp,
    prompt: resolvedPromptSchema.optional().meta({
      description:
        "The version the moved label (or `latest`) now serves, so clients need not refetch it; its `label` is null",
    }),
    etag: z
      .string()
      .optional()
      .meta({ description: "The ETag the resolve endpoint gives that version" }),
  })
  .meta({ id: "ChangeEvent" });

export type ChangeEvent = z.infer<typeof changeEventSchema>;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];
