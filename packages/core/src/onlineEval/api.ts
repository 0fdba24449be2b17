/**
 * Online evaluation: per prompt and environment, a sampling rule that has a share of production
 * calls scored in the background, the scores attached to the calls' traces.
 */
import { z } from "zod";
import { environmentNameSchema } from "../environment/index.js";
import { scorerListSchema } from "../evaluation/scorer-spec.js";
import { promptNameSchema } from "../prompt/name.js";

/** What share of calls is scored (0 to 1) and by which scorers. */
export const onlineEvalRuleBodySchema = z
  .object({
    rate: z
      .number()
      .min(0, "rate is a share of calls between 0 and 1 (0.1 scores one call in ten)")
      .max(1, "rate is a share of calls between 0 and 1 (0.1 scores one call in ten)")
      .meta({ description: "Share of the environment's production calls scored, 0 to 1" }),
    scorers: scorerListSchema,
  })
  .strict()
  .meta({ id: "OnlineEvalRuleBody" });
export type OnlineEvalRuleBody = z.infer<typeof onlineEvalRuleBodySchema>;

export const onlineEvalRuleSchema = z
  .object({
    prompt: promptNameSchema,
    environment: environmentNameSchema,
    ...onlineEvalRuleBodySchema.shape,
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: "OnlineEvalRule" });
export type OnlineEvalRule = z.infer<typeof onlineEvalRuleSchema>;

export const onlineEvalRuleListSchema = z
  .object({ items: z.array(onlineEvalRuleSchema) })
  .meta({ id: "OnlineEvalRuleList" });
export type OnlineEvalRuleList = z.infer<typeof onlineEvalRuleListSchema>;

export const onlineEvalListQuerySchema = z
  .object({
    prompt: promptNameSchema.optional().meta({ description: "Only this prompt's rules" }),
  })
  .strict();
export type OnlineEvalListQuery = z.infer<typeof onlineEvalListQuerySchema>;
