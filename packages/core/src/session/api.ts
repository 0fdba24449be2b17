/** Request and response shapes for a browser's session: signing in with an API key. */
import { z } from "zod";
import { roleSchema } from "../access/index.js";

export const signInBodySchema = z.object({ apiKey: z.string().min(1).max(500) }).strict();
export type SignInBody = z.infer<typeof signInBodySchema>;

export const sessionSchema = z
  .object({
    projectId: z.string(),
    role: roleSchema,
    actor: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: "Session" });
export type Session = z.infer<typeof sessionSchema>;
