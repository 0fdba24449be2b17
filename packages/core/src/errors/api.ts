/** The body of every error response: what the domain errors of ./index.ts become over HTTP. */
import { z } from "zod";

export const problemSchema = z
  .object({
    status: z.number().int(),
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ id: "Problem", description: "Every error: what went wrong and what to fix." });
export type Problem = z.infer<typeof problemSchema>;
