/** Request and response shapes for a project's model prices (USD per million tokens). */
import { z } from "zod";

export const modelNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, "a model name has no whitespace");

export const setModelPriceBodySchema = z
  .object({
    inputPerMillion: z.number().min(0).max(100_000),
    outputPerMillion: z.number().min(0).max(100_000),
  })
  .strict()
  .meta({ id: "SetModelPrice" });
export type SetModelPriceBody = z.infer<typeof setModelPriceBodySchema>;

export const modelPriceSchema = z
  .object({
    model: z.string(),
    inputPerMillion: z.number(),
    outputPerMillion: z.number(),
    source: z.enum(["default", "project"]),
  })
  .meta({ id: "ModelPrice" });
export type ModelPriceView = z.infer<typeof modelPriceSchema>;

export const modelPriceListSchema = z.object({ items: z.array(modelPriceSchema) });
export type ModelPriceList = z.infer<typeof modelPriceListSchema>;
