/** Request and response shapes for reading the audit log. */
import { z } from "zod";
import { timeQuerySchema, versionParamSchema } from "../api/common.js";
import { promptNameSchema } from "../prompt/name.js";

/** Every kind of change the audit log records. */
export const AUDIT_EVENT_TYPES = [
  "project.created",
  "prompt.created",
  "prompt.updated",
  "draft.saved",
  "version.published",
  "label.deployed",
  "label.rolled_back",
  "environment.created",
  "apikey.created",
  "apikey.revoked",
  "provider.created",
  "provider.updated",
  "provider.deleted",
  "price.set",
  "price.removed",
  "dataset.created",
  "dataset.updated",
  "dataset.revised",
  "evaluation.started",
  "evaluation.finished",
  "evaluation.cancelled",
  "evaluation.scored",
  "gate.policy_set",
  "gate.policy_removed",
  "gate.passed",
  "gate.failed",
  "gate.overridden",
  "online_eval.rule_set",
  "online_eval.rule_removed",
  "rollout.started",
  "rollout.advanced",
  "rollout.paused",
  "rollout.resumed",
  "rollout.promoted",
  "rollout.aborted",
  "rollout.rolled_back",
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** The types whose subject is a prompt's name: what `prompt=` filters on. */
export const PROMPT_EVENT_TYPES: readonly AuditEventType[] = AUDIT_EVENT_TYPES.filter((type) =>
  /^(prompt|draft|version|label|evaluation|online_eval|rollout)\.|^gate\.(passed|failed|overridden)$/.test(
    type,
  ),
);

const auditEventTypeSchema = z.enum(AUDIT_EVENT_TYPES, {
  error: (issue) =>
    `'${String(issue.input)}' is not an event type; use one of ${AUDIT_EVENT_TYPES.join(", ")}`,
});

export const auditEventListQuerySchema = z
  .object({
    type: z
      .string()
      .max(1000)
      .transform((list) => list.split(",").map((type) => type.trim()))
      .pipe(z.array(auditEventTypeSchema))
      .optional()
      .meta({
        description: `Only these types, comma-separated (${AUDIT_EVENT_TYPES.join(", ")})`,
        example: "label.deployed,label.rolled_back",
      }),
    actor: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Only changes made by this actor", example: "apikey:ci-bot" }),
    prompt: promptNameSchema.optional().meta({ description: "Only changes to this prompt" }),
    subject: z.string().max(200).optional().meta({
      description:
        "Only events about this subject: a prompt or environment name, an API key id, a provider name or a model",
    }),
    from: timeQuerySchema.optional().meta({ description: "Events at or after this time" }),
    to: timeQuerySchema.optional().meta({ description: "Events before this time" }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: versionParamSchema
      .optional()
      .meta({ description: "Cursor: nextCursor of the previous page (an event id)" }),
  })
  .strict();
export type AuditEventListQuery = z.infer<typeof auditEventListQuerySchema>;

export const auditEventSchema = z
  .object({
    id: z.number().int().meta({ description: "Increasing per project" }),
    type: auditEventTypeSchema,
    subject: z.string().meta({ description: "What changed: a prompt name, a key id, …" }),
    actor: z.string().meta({ description: "Who changed it, e.g. apikey:ci-bot or system" }),
    payload: z.record(z.string(), z.unknown()).meta({ description: "The change, as recorded" }),
    createdAt: z.string().meta({ description: "ISO-8601 UTC timestamp" }),
  })
  .meta({ id: "AuditEvent" });
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditEventListSchema = z
  .object({ items: z.array(auditEventSchema), nextCursor: z.number().int().nullable() })
  .meta({ id: "AuditEventList", description: "Newest first" });
export type AuditEventList = z.infer<typeof auditEventListSchema>;
