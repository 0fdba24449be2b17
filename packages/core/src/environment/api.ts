/** Request and response shapes for environments. */
import { z } from "zod";
import { timestampSchema } from "../api/common.js";
import { environmentNameSchema } from "./index.js";

export const environmentSchema = z
  .object({
    name: z.string(),
    protected: z.boolean(),
    createdAt: timestampSchema,
    createdBy: z.string(),
  })
  .meta({ id: "Environment" });
export type Environment = z.infer<typeof environmentSchema>;

export const environmentListSchema = z.object({ items: z.array(environmentSchema) });
export type EnvironmentList = z.infer<typeof environmentListSchema>;

export const createEnvironmentBodySchema = z
  .object({ name: environmentNameSchema, protected: z.boolean().default(false) })
  .strict()
  .meta({ id: "CreateEnvironment" });
export type CreateEnvironmentBody = z.infer<typeof createEnvironmentBodySchema>;
