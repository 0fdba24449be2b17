/** Gate policies: what a version must have shown before an environment serves it. */
import { z } from "zod";
import { datasetNameSchema } from "../dataset/api.js";
import { scorerNameSchema } from "../evaluation/scorer-spec.js";
import { PROMPT_NAME } from "../prompt/name.js";

/** A prompt a requirement applies to: its name, or a folder ending in `/` (`support/`). */
export const promptScopeSchema = z
  .string()
  .max(201)
  .refine(
    (scope) => PROMPT_NAME.test(scope.endsWith("/") ? scope.slice(0, -1) : scope),
    "a prompt name (support/refund-agent) or a folder ending in '/' (support/)",
  );

/** What one bump level needs. */
export const gateRuleSchema = z
  .object({
    /** Each (dataset, scorer) must have run on the version; with a minimum mean if given. */
    requirements: z
      .array(
        z
          .object({
            dataset: datasetNameSchema,
            scorer: scorerNameSchema,
            minMean: z.number().min(0).max(1).optional(),
            /** Only for these prompts (names or folders); every prompt when absent. */
            prompts: z.array(promptScopeSchema).min(1).max(50).optional(),
          })
          .strict(),
      )
      .max(50)
      .default([]),
    /** No required scorer may be significantly worse than on what the environment serves. */
    noRegression: z.boolean().default(false),
    maxLatencyMs: z.number().positive().optional(),
    maxCostUsd: z.number().positive().optional(),
  })
  .strict()
  .meta({ id: "GateRule" });
export type GateRule = z.infer<typeof gateRuleSchema>;

/** Keyed by the bump level of the version being deployed; a level not named passes freely. */
export const gatePolicySchema = z
  .object({
    patch: gateRuleSchema.optional(),
    minor: gateRuleSchema.optional(),
    major: gateRuleSchema.optional(),
  })
  .strict()
  .meta({ id: "GatePolicy" });
export type GatePolicy = z.infer<typeof gatePolicySchema>;
