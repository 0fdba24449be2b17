/** What a gate says about a version, and the requests that ask it: shared by server and clients. */
import { z } from "zod";
import { timestampSchema, versionNumberSchema } from "../api/common.js";
import { datasetNameSchema } from "../dataset/api.js";
import { environmentNameSchema } from "../environment/index.js";
import { bumpLevelSchema } from "../version/semver.js";
import { gatePolicySchema } from "./api.js";

export const UNMET_KINDS = [
  /** No finished run of the version on the dataset (or the run did not use the scorer). */
  "missing_run",
  "missing_score",
  "below_min_mean",
  "regression",
  /** The run compared the version with something other than what the environment serves. */
  "wrong_baseline",
  "missing_comparison",
  "latency",
  "cost",
] as const;
export type UnmetKind = (typeof UNMET_KINDS)[number];

/** One requirement a version does not meet, in a sentence and with the numbers behind it. */
export const unmetRequirementSchema = z
  .object({
    kind: z.enum(UNMET_KINDS),
    message: z.string(),
    dataset: z.string().optional(),
    scorer: z.string().optional(),
    actual: z.number().optional(),
    required: z.number().optional(),
    runId: z.string().optional(),
  })
  .meta({ id: "UnmetRequirement" });
export type UnmetRequirement = z.infer<typeof unmetRequirementSchema>;

/** A run a verdict rests on, and where the web UI shows it. */
export const gateRunSchema = z
  .object({ id: z.string(), dataset: z.string(), url: z.string() })
  .meta({ id: "GateRun" });
export type GateRun = z.infer<typeof gateRunSchema>;

/** Whether a gate lets a version through, what it lacks, and the runs the answer rests on. */
const gateOutcomeFields = {
  passed: z.boolean(),
  unmet: z.array(unmetRequirementSchema),
  runs: z.array(gateRunSchema),
};

/** An environment's gate on one candidate: whether it would let it through, and why not. */
export const gateVerdictSchema = z
  .object({
    environment: z.string(),
    version: versionNumberSchema.nullable().meta({ description: "null for a draft or a file" }),
    candidate: z.string().meta({ description: "How the candidate is named: v4, draft, file:…" }),
    serves: versionNumberSchema.nullable().meta({ description: "What the environment serves now" }),
    level: bumpLevelSchema,
    hasRule: z.boolean().meta({ description: "false: the policy names no rule for this level" }),
    ...gateOutcomeFields,
  })
  .meta({ id: "GateVerdict" });
export type GateVerdict = z.infer<typeof gateVerdictSchema>;

/** An environment's gate as a prompt page (and `promptline gates check`) shows it. */
export const promptGateStatusSchema = z
  .object({
    environment: z.string(),
    protected: z.boolean(),
    serves: versionNumberSchema.nullable(),
    hasPolicy: z.boolean(),
    level: bumpLevelSchema,
    ...gateOutcomeFields,
  })
  .meta({ id: "PromptGateStatus" });
export type PromptGateStatus = z.infer<typeof promptGateStatusSchema>;

export const promptGatesSchema = z
  .object({
    name: z.string(),
    version: versionNumberSchema,
    semver: z.string(),
    items: z.array(promptGateStatusSchema),
  })
  .meta({ id: "PromptGates" });
export type PromptGates = z.infer<typeof promptGatesSchema>;

export const promptGatesQuerySchema = z
  .object({
    version: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: "The version to check; the latest when omitted" }),
  })
  .strict();

/** An environment's policy, or null when it has none. */
export const environmentGateSchema = z
  .object({
    environment: z.string(),
    policy: gatePolicySchema.nullable(),
    updatedAt: timestampSchema.nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "EnvironmentGate" });
export type EnvironmentGate = z.infer<typeof environmentGateSchema>;

export const setGatePolicyBodySchema = z
  .object({ policy: gatePolicySchema })
  .strict()
  .meta({ id: "SetGatePolicy" });
export type SetGatePolicyBody = z.infer<typeof setGatePolicyBodySchema>;

export const environmentParamSchema = z.object({
  env: environmentNameSchema.meta({ param: { name: "env", in: "path" } }),
});

export const recommendedGateQuerySchema = z.object({ dataset: datasetNameSchema }).strict();

/** The policy promptline suggests for a dataset, from the scorers of its latest finished run. */
export const recommendedGateSchema = z
  .object({
    dataset: z.string(),
    basedOnRun: z.string().meta({ description: "The run whose scorers the policy requires" }),
    policy: gatePolicySchema,
  })
  .meta({ id: "RecommendedGate" });
export type RecommendedGate = z.infer<typeof recommendedGateSchema>;

export const runGateQuerySchema = z
  .object({
    environment: environmentNameSchema
      .optional()
      .meta({ description: "Defaults to the environment the run was made for" }),
    level: bumpLevelSchema
      .optional()
      .meta({ description: "Defaults to the bump from what the environment serves" }),
  })
  .strict();
