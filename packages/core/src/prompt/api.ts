/** Request and response shapes for prompts (folders: ./folders.ts). */
import { z } from "zod";
import {
  folderFilterSchema,
  namePageFields,
  timestampSchema,
  versionNumberSchema,
} from "../api/common.js";
import { promptContentSchema, promptTypeSchema } from "./content.js";
import { promptNameSchema, tagSchema } from "./name.js";

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
export type CreatePromptBody = z.infer<typeof createPromptBodySchema>;

export const updatePromptBodySchema = z
  .object({ description: descriptionSchema.optional(), tags: tagsSchema.optional() })
  .strict()
  .meta({ id: "UpdatePrompt" });
export type UpdatePromptBody = z.infer<typeof updatePromptBodySchema>;

export const promptSchema = z
  .object({
    name: z.string(),
    type: promptTypeSchema,
    description: z.string(),
    tags: z.array(z.string()),
    latestVersion: versionNumberSchema.nullable(),
    labels: z.record(z.string(), versionNumberSchema).meta({
      description: "Which version each environment serves, e.g. { production: 3, staging: 4 }",
    }),
    createdAt: timestampSchema,
    createdBy: z.string(),
    updatedAt: timestampSchema,
  })
  .meta({ id: "Prompt" });
export type PromptSummary = z.infer<typeof promptSchema>;

export const promptDetailSchema = promptSchema
  .extend({
    draft: promptContentSchema,
    draftVariables: z.array(z.string()),
    draftUpdatedAt: timestampSchema,
    draftUpdatedBy: z.string(),
  })
  .meta({ id: "PromptDetail" });
export type PromptDetail = z.infer<typeof promptDetailSchema>;

export const promptListQuerySchema = z
  .object({
    folder: folderFilterSchema("prompts"),
    tag: tagSchema.optional(),
    q: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Case-insensitive text in name, description or tags" }),
    ...namePageFields,
  })
  .strict();
export type PromptListQuery = z.infer<typeof promptListQuerySchema>;

export const promptListSchema = z
  .object({ items: z.array(promptSchema), nextCursor: z.string().nullable() })
  .meta({ id: "PromptList" });
export type PromptList = z.infer<typeof promptListSchema>;
