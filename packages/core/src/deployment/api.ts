/** Request and response shapes for deploying and rolling back labels, and their history. */
import { z } from "zod";
import { timestampSchema, versionNumberSchema, versionParamSchema } from "../api/common.js";
import { environmentNameSchema } from "../environment/index.js";

export const reasonSchema = z.string().trim().max(2000);

export const deployBodySchema = z
  .object({
    environment: environmentNameSchema,
    version: versionNumberSchema,
    reason: reasonSchema.optional(),
    override: z
      .object({
        reason: reasonSchema.min(1, "say why the gate is overridden"),
      })
      .strict()
      .optional()
      .meta({
        description:
          "Deploy through a failing gate (gate:override, admins); ignored when the gate passes",
      }),
  })
  .strict()
  .meta({ id: "Deploy" });
export type DeployBody = z.infer<typeof deployBodySchema>;

export const rollbackBodySchema = z
  .object({
    environment: environmentNameSchema,
    toVersion: versionNumberSchema.optional().meta({
      description: "Omit to undo the label's last move; give a version to roll back to it",
    }),
    reason: reasonSchema.optional(),
  })
  .strict()
  .meta({ id: "Rollback" });
export type RollbackBody = z.infer<typeof rollbackBodySchema>;

export const deploymentSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    environment: z.string(),
    kind: z.enum(["deploy", "rollback"]),
    fromVersion: versionNumberSchema.nullable(),
    toVersion: versionNumberSchema,
    revertsId: z.number().int().nullable(),
    actor: z.string(),
    reason: z.string().nullable(),
    gateOverride: z
      .string()
      .nullable()
      .meta({ description: "Why an admin deployed through a failing gate; null otherwise" }),
    rolloutId: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The rollout this move ended (promote, abort, automatic rollback)" }),
    createdAt: timestampSchema,
  })
  .meta({ id: "Deployment" });
export type Deployment = z.infer<typeof deploymentSchema>;

export const deploymentHistoryQuerySchema = z
  .object({
    environment: environmentNameSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: versionParamSchema.optional().meta({ description: "Cursor: a deployment id" }),
  })
  .strict();
export type DeploymentHistoryQuery = z.infer<typeof deploymentHistoryQuerySchema>;

export const deploymentListSchema = z
  .object({ items: z.array(deploymentSchema), nextCursor: z.number().int().nullable() })
  .meta({ id: "DeploymentList" });
export type DeploymentList = z.infer<typeof deploymentListSchema>;

export const labelAtQuerySchema = z
  .object({ environment: environmentNameSchema, at: z.iso.datetime({ offset: true }) })
  .strict();
export type LabelAtQuery = z.infer<typeof labelAtQuerySchema>;

export const labelAtSchema = z
  .object({
    name: z.string(),
    environment: z.string(),
    at: timestampSchema,
    version: versionNumberSchema
      .nullable()
      .meta({ description: "null when the label pointed nowhere then" }),
    deployment: deploymentSchema.nullable(),
  })
  .meta({ id: "LabelAt" });
export type LabelAt = z.infer<typeof labelAtSchema>;
