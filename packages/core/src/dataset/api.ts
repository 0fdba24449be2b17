/** Datasets: versioned test cases. Every change makes a new immutable revision. */
import { z } from "zod";
import { timestampSchema } from "../api/common.js";
import { chatMessageSchema, variableNameSchema } from "../prompt/content.js";
import { promptNameSchema } from "../prompt/name.js";

/** Dataset names are foldered like prompt names: `support/refunds`. */
export const datasetNameSchema = promptNameSchema;

/** A case's tag: short, no whitespace (e.g. `edge`, `adversarial`, `regression`). */
export const caseTagSchema = z.string().min(1).max(64).regex(/^\S+$/, "a tag has no spaces");

/** What a case fills the prompt with. */
export const caseInputSchema = z
  .object({
    variables: z.record(z.string(), z.unknown()).default({}),
    placeholders: z.record(variableNameSchema, z.array(chatMessageSchema)).optional(),
  })
  .strict()
  .meta({ id: "CaseInput" });
export type CaseInput = z.infer<typeof caseInputSchema>;

/** Where a case came from: a production trace, an imported file, or a person. */
export const caseSourceSchema = z
  .object({
    kind: z.enum(["trace", "import", "person"]),
    ref: z
      .string()
      .nullable()
      .meta({ description: "The trace id, the imported file's name, or the person's actor" }),
  })
  .meta({ id: "CaseSource" });
export type CaseSource = z.infer<typeof caseSourceSchema>;

/** A case as it is written: added, edited, or a line of an imported file. */
export const caseWriteSchema = z
  .object({
    input: caseInputSchema,
    expected: z
      .unknown()
      .optional()
      .meta({ description: "A reference output (text) or JSON the output should match" }),
    tags: z.array(caseTagSchema).max(50).default([]),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .meta({ id: "CaseWrite" });
export type CaseWrite = z.infer<typeof caseWriteSchema>;

export const datasetCaseSchema = z
  .object({
    id: z.string().meta({ description: "The case's id: the same across the revisions it is in" }),
    input: caseInputSchema,
    expected: z.unknown().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    source: caseSourceSchema,
    revision: z.number().int().meta({ description: "The revision this form of the case is from" }),
    createdAt: timestampSchema,
    createdBy: z.string(),
  })
  .meta({ id: "DatasetCase" });
export type DatasetCase = z.infer<typeof datasetCaseSchema>;
