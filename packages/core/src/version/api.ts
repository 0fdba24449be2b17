/** Request and response shapes for publishing versions, listing them, bumps and diffs. */
import { z } from "zod";
import { timestampSchema, versionNumberSchema } from "../api/common.js";
import { versionEvaluationSchema } from "../evalRun/api.js";
import { promptContentSchema } from "../prompt/content.js";
import { bumpLevelSchema } from "./semver.js";

const bumpReasonSchema = z.object({ level: bumpLevelSchema, reason: z.string() });
export type BumpReason = z.infer<typeof bumpReasonSchema>;

export const bumpSuggestionSchema = z
  .object({ level: bumpLevelSchema, reasons: z.array(bumpReasonSchema) })
  .meta({ id: "BumpSuggestion" });
export type BumpSuggestion = z.infer<typeof bumpSuggestionSchema>;

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
export type PublishBody = z.infer<typeof publishBodySchema>;

export const versionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: versionNumberSchema,
    semver: z.string(),
    bump: bumpLevelSchema.nullable().meta({ description: "null for the first version" }),
    suggestedBump: bumpSuggestionSchema.nullable(),
    content: promptContentSchema,
    contentHash: z.string(),
    variables: z.array(z.string()),
    commitMessage: z.string(),
    author: z.string(),
    createdAt: timestampSchema,
    parentVersion: versionNumberSchema.nullable(),
    labels: z.array(z.string()),
    evaluations: z.array(versionEvaluationSchema).optional().meta({
      description:
        "One version's detail only: the latest finished run per dataset where it was a candidate",
    }),
  })
  .meta({ id: "Version" });
export type PromptVersion = z.infer<typeof versionSchema>;

export const publishResultSchema = versionSchema
  .extend({
    created: z
      .boolean()
      .meta({ description: "false when identical content was already published" }),
  })
  .meta({ id: "PublishResult" });
export type PublishResult = z.infer<typeof publishResultSchema>;

export const versionListSchema = z
  .object({ items: z.array(versionSchema) })
  .meta({ id: "VersionList" });
export type VersionList = z.infer<typeof versionListSchema>;

export const draftBumpSchema = z
  .object({
    baseVersion: versionNumberSchema.nullable(),
    nextSemver: z.string(),
    identicalTo: versionNumberSchema.nullable(),
    suggestion: bumpSuggestionSchema.nullable(),
  })
  .meta({ id: "DraftBump" });
export type DraftBump = z.infer<typeof draftBumpSchema>;

/** `3`, `production`, `latest` or `draft`: what a diff side or resolve names. */
export const versionRefSchema = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: "A version number, a label (production, latest …) or draft" });

export const diffQuerySchema = z.object({ from: versionRefSchema, to: versionRefSchema }).strict();
export type DiffQuery = z.infer<typeof diffQuerySchema>;

/** One difference between two contents, addressed by a path such as `messages[1].content`. */
export const fieldChangeSchema = z.object({
  path: z.string(),
  kind: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** Unified diff of a text field (message content, text prompt body). */
  patch: z.string().optional(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

const diffSideSchema = z.object({
  ref: z.string(),
  version: versionNumberSchema.nullable(),
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
export type VersionDiff = z.infer<typeof diffSchema>;
