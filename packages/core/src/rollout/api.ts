/**
 * Request and response shapes of rollouts: starting one (split or canary, targeting rules,
 * guardrails), the rollout as the API shows it, the decisions taken on it and the guardrail
 * checks behind them, and the definition delivered with a prompt so the SDK assigns locally.
 */
import { z } from "zod";
import { timestampSchema, versionNumberSchema } from "../api/common.js";
import { reasonSchema } from "../deployment/api.js";
import { environmentNameSchema } from "../environment/index.js";
import { BUCKETS } from "./assign.js";
import { guardrailSchema } from "./guardrail.js";
import { canaryPlanSchema } from "./plan.js";

/** The variant a trace was served by: the rollout's control, or one of its candidates. */
export const ROLLOUT_VARIANTS = ["control", "candidate"] as const;
export type RolloutVariant = (typeof ROLLOUT_VARIANTS)[number];

const attributeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "an attribute name: letters, digits, _ . - (e.g. plan)");
const scalarSchema = z.union([z.string().max(256), z.number(), z.boolean()]);

export const conditionSchema = z
  .discriminatedUnion("op", [
    z
      .object({
        attribute: attributeSchema,
        op: z.enum(["equals", "not_equals"]),
        value: scalarSchema,
      })
      .strict(),
    z
      .object({
        attribute: attributeSchema,
        op: z.enum(["in", "not_in"]),
        values: z
          .array(z.union([z.string().max(256), z.number()]))
          .min(1)
          .max(500),
      })
      .strict(),
    z
      .object({
        attribute: attributeSchema,
        op: z.enum(["gt", "gte", "lt", "lte"]),
        value: z.number(),
      })
      .strict(),
    z
      .object({
        attribute: attributeSchema,
        op: z.enum(["semver_gt", "semver_gte", "semver_lt", "semver_lte"]),
        value: z.string().regex(/^v?\d{1,9}\.\d{1,9}\.\d{1,9}$/, "a version such as 2.10.1"),
      })
      .strict(),
    z
      .object({
        attribute: attributeSchema,
        op: z.literal("matches"),
        pattern: z.string().min(1).max(200),
      })
      .strict(),
    z
      .object({
        attribute: attributeSchema,
        op: z.literal("percent"),
        percent: z.number().min(0).max(100),
      })
      .strict(),
  ])
  .meta({ id: "RolloutCondition" });
export type RolloutCondition = z.infer<typeof conditionSchema>;

/** A version and its share, in basis points (500 = 5 %). */
export const weightedVersionSchema = z
  .object({ version: versionNumberSchema, weight: z.number().int().min(0).max(BUCKETS) })
  .strict();
export type WeightedVersion = z.infer<typeof weightedVersionSchema>;

const fullSplit = (variants: ReadonlyArray<WeightedVersion>) =>
  variants.reduce((sum, v) => sum + v.weight, 0) === BUCKETS;

export const targetingRuleSchema = z
  .object({
    description: z.string().trim().max(200).optional(),
    conditions: z.array(conditionSchema).min(1).max(20),
    variants: z
      .array(weightedVersionSchema)
      .min(1)
      .max(5)
      .refine(fullSplit, "a rule's weights add up to 10000 (100 %)"),
  })
  .strict()
  .meta({ id: "TargetingRule" });
export type TargetingRuleBody = z.infer<typeof targetingRuleSchema>;

export const ROLLOUT_STRATEGIES = ["split", "canary"] as const;
export const ON_BREACH = ["rollback", "pause"] as const;

export const startRolloutBodySchema = z
  .object({
    environment: environmentNameSchema,
    strategy: z.enum(ROLLOUT_STRATEGIES),
    candidates: z
      .array(weightedVersionSchema.partial({ weight: true }))
      .min(1)
      .max(4)
      .meta({
        description:
          "The versions tried against the environment's current one (the control). A split gives each a weight (the control gets the rest); a canary has one candidate and takes its weights from the steps",
      }),
    canary: canaryPlanSchema.optional().meta({
      description: "The canary's steps (weights in basis points, holds in minutes)",
    }),
    rules: z.array(targetingRuleSchema).max(20).default([]),
    unit: attributeSchema
      .default("userId")
      .meta({ description: "The context attribute a caller is bucketed by" }),
    guardrails: z.array(guardrailSchema).max(10).default([]),
    onBreach: z.enum(ON_BREACH).default("rollback"),
    minSamples: z
      .number()
      .int()
      .min(10)
      .max(1_000_000)
      .default(100)
      .meta({ description: "Observations each arm needs before a guardrail gives a verdict" }),
    reason: reasonSchema.optional(),
    override: z
      .object({ reason: reasonSchema.min(1, "say why the gate is overridden") })
      .strict()
      .optional()
      .meta({ description: "Start through a failing gate (gate:override, admins)" }),
  })
  .strict()
  .meta({ id: "StartRollout" });
export type StartRolloutBody = z.infer<typeof startRolloutBodySchema>;

export const ROLLOUT_STATUSES = [
  "running",
  "paused",
  "promoted",
  "aborted",
  "rolled_back",
] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export const rolloutSchema = z
  .object({
    id: z.number().int(),
    name: z.string().meta({ description: "The prompt" }),
    environment: z.string(),
    strategy: z.enum(ROLLOUT_STRATEGIES),
    status: z.enum(ROLLOUT_STATUSES),
    control: versionNumberSchema,
    candidates: z.array(versionNumberSchema),
    unit: z.string(),
    salt: z.string(),
    split: z.array(weightedVersionSchema).meta({
      description: "Everyone the rules do not catch, now: candidates first, control last",
    }),
    rules: z.array(targetingRuleSchema),
    canary: z
      .object({
        steps: canaryPlanSchema,
        step: z.number().int().min(0),
        stepStartedAt: timestampSchema,
      })
      .nullable(),
    guardrails: z.array(guardrailSchema),
    onBreach: z.enum(ON_BREACH),
    minSamples: z.number().int(),
    revision: z.number().int().meta({
      description:
        "Counts changes; the monitor acts only on the revision it looked at, so never on one a person changed meanwhile",
    }),
    reason: z.string().nullable(),
    startedBy: z.string(),
    startedAt: timestampSchema,
    updatedAt: timestampSchema,
    endedAt: timestampSchema.nullable(),
    endedBy: z.string().nullable(),
    endReason: z.string().nullable(),
  })
  .meta({ id: "Rollout" });
export type Rollout = z.infer<typeof rolloutSchema>;

export const ROLLOUT_ACTIONS = [
  "start",
  "advance",
  "pause",
  "resume",
  "promote",
  "abort",
  "rollback",
] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

const armSchema = z.object({ n: z.number(), mean: z.number(), variance: z.number() });

/** A guardrail's figures at one look: both arms, the difference and its always-valid interval. */
export const guardrailCheckSchema = z
  .object({
    metric: z.string(),
    candidateVersion: versionNumberSchema,
    state: z.enum(["healthy", "breached", "unknown"]),
    reason: z.string().nullable(),
    control: armSchema,
    candidate: armSchema,
    difference: z.number(),
    low: z.number(),
    high: z.number(),
    pValue: z.number(),
    allowed: z.number(),
  })
  .meta({ id: "GuardrailCheck" });
export type GuardrailCheck = z.infer<typeof guardrailCheckSchema>;

export const rolloutDecisionSchema = z
  .object({
    id: z.number().int(),
    rolloutId: z.number().int(),
    action: z.enum(ROLLOUT_ACTIONS),
    automatic: z.boolean().meta({ description: "Taken by the guardrail monitor" }),
    actor: z.string(),
    reason: z.string(),
    fromStep: z.number().int().nullable(),
    toStep: z.number().int().nullable(),
    checks: z.array(guardrailCheckSchema),
    createdAt: timestampSchema,
  })
  .meta({ id: "RolloutDecision" });
export type RolloutDecision = z.infer<typeof rolloutDecisionSchema>;

/** The monitor's looks over time, for the difference-with-interval charts. */
export const rolloutCheckPointSchema = z
  .object({ at: timestampSchema, checks: z.array(guardrailCheckSchema) })
  .meta({ id: "RolloutCheckPoint" });
export type RolloutCheckPoint = z.infer<typeof rolloutCheckPointSchema>;

export const rolloutDetailSchema = rolloutSchema
  .extend({
    decisions: z.array(rolloutDecisionSchema),
    checks: z.array(rolloutCheckPointSchema),
    traffic: z
      .array(
        z.object({
          version: versionNumberSchema,
          variant: z.enum(ROLLOUT_VARIANTS),
          calls: z.number().int(),
          errors: z.number().int(),
        }),
      )
      .meta({ description: "Calls per variant since the rollout started" }),
  })
  .meta({ id: "RolloutDetail" });
export type RolloutDetail = z.infer<typeof rolloutDetailSchema>;

export const rolloutListQuerySchema = z
  .object({
    environment: environmentNameSchema.optional(),
    active: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type RolloutListQuery = z.infer<typeof rolloutListQuerySchema>;

export const rolloutListSchema = z
  .object({ items: z.array(rolloutSchema) })
  .meta({ id: "RolloutList" });

/** Advance, pause, resume, promote and abort carry a reason; advance may name the step. */
export const rolloutActionBodySchema = z
  .object({
    reason: reasonSchema.optional(),
    version: versionNumberSchema.optional().meta({
      description: "promote: the candidate to promote when there are several",
    }),
    expectedRevision: z.number().int().min(0).optional().meta({
      description: "Refuse (409) if the rollout changed since this revision",
    }),
  })
  .strict()
  .meta({ id: "RolloutAction" });
export type RolloutActionBody = z.infer<typeof rolloutActionBodySchema>;

/**
 * What a client needs to assign callers itself, delivered with the prompt a label resolves to
 * while a rollout runs on it: the control is the version delivered alongside.
 */
export const deliveredRolloutSchema = z
  .object({
    id: z.number().int(),
    revision: z.number().int(),
    salt: z.string(),
    unit: z.string(),
    control: versionNumberSchema,
    rules: z.array(
      z.object({ conditions: z.array(conditionSchema), variants: z.array(weightedVersionSchema) }),
    ),
    split: z.array(weightedVersionSchema),
  })
  .meta({ id: "DeliveredRollout" });
export type DeliveredRollout = z.infer<typeof deliveredRolloutSchema>;
