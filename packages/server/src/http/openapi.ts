import { problemSchema, promptNameSchema } from "@promptline/core";
import type { ZodType } from "zod";
import { z } from "zod";

/** Building blocks for route definitions, so each route states only what is its own. */
export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function json<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The errors every authenticated route can answer with. */
export const problems = {
  400: problemResponse("Invalid input: the message says which field and how to fix it"),
  401: problemResponse("Missing, unknown or revoked API key"),
  403: problemResponse("The key's role lacks the permission"),
  404: problemResponse("Not found"),
  409: problemResponse("Conflicts with the current state"),
  413: problemResponse("Body over the size limit"),
} as const;

export const security = [{ bearerAuth: [] }];

export const promptNameParam = z.object({
  name: promptNameSchema.meta({
    param: { name: "name", in: "path" },
    description: "The prompt's name, URL-encoded: support/refund-agent is support%2Frefund-agent",
    example: "support%2Frefund-agent",
  }),
});
