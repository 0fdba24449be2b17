/** Datasets: versioned test cases. Every change makes a new immutable revision. */
import { z } from "zod";
import {
  folderFilterSchema,
  idCursorSchema,
  namePageFields,
  timestampSchema,
} from "../api/common.js";
import { chatMessageSchema, variableNameSchema } from "../prompt/content.js";
import { promptNameSchema } from "../prompt/name.js";
import { traceListQuerySchema } from "../trace/api.js";

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

const descriptionSchema = z.string().max(2000);

/** Most items (added, updated and removed cases, or traces) one request may carry. */
export const MAX_CASES_PER_REQUEST = 1000;
/** Most traces one from-traces request may turn into cases through a filter. */
export const MAX_TRACES_PER_REQUEST = 10_000;

export const datasetSchema = z
  .object({
    name: datasetNameSchema,
    description: z.string(),
    latestRevision: z
      .number()
      .int()
      .meta({ description: "The newest revision; 0 until the first change" }),
    caseCount: z.number().int().meta({ description: "Cases in the latest revision" }),
    createdAt: timestampSchema,
    createdBy: z.string(),
    updatedAt: timestampSchema,
  })
  .meta({ id: "Dataset" });
export type Dataset = z.infer<typeof datasetSchema>;

export const datasetListQuerySchema = z
  .object({
    folder: folderFilterSchema("datasets"),
    q: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "Case-insensitive text in the name or description" }),
    ...namePageFields,
  })
  .strict();
export type DatasetListQuery = z.infer<typeof datasetListQuerySchema>;

export const datasetListSchema = z
  .object({ items: z.array(datasetSchema), nextCursor: z.string().nullable() })
  .meta({ id: "DatasetList" });
export type DatasetList = z.infer<typeof datasetListSchema>;

export const createDatasetBodySchema = z
  .object({ name: datasetNameSchema, description: descriptionSchema.default("") })
  .strict();
export type CreateDatasetBody = z.infer<typeof createDatasetBodySchema>;

export const updateDatasetBodySchema = z.object({ description: descriptionSchema }).strict();
export type UpdateDatasetBody = z.infer<typeof updateDatasetBodySchema>;

/** One immutable revision: what changed, by whom, and how many cases it holds. */
export const datasetRevisionSchema = z
  .object({
    revision: z.number().int(),
    message: z.string(),
    added: z.number().int(),
    updated: z.number().int(),
    removed: z.number().int(),
    caseCount: z.number().int(),
    actor: z.string(),
    createdAt: timestampSchema,
  })
  .meta({ id: "DatasetRevision" });
export type DatasetRevision = z.infer<typeof datasetRevisionSchema>;

/** A revision's number in a query string. */
const revisionParamSchema = z.coerce.number().int().positive().max(2_147_483_647);

export const revisionListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: revisionParamSchema
      .optional()
      .meta({ description: "Cursor: revisions older than this one (nextCursor of the last page)" }),
  })
  .strict();
export type RevisionListQuery = z.infer<typeof revisionListQuerySchema>;

export const revisionListSchema = z
  .object({ items: z.array(datasetRevisionSchema), nextCursor: z.number().int().nullable() })
  .meta({ id: "DatasetRevisionList" });
export type RevisionList = z.infer<typeof revisionListSchema>;

export const caseListQuerySchema = z
  .object({
    revision: revisionParamSchema
      .optional()
      .meta({ description: "The revision to read; the latest when left out" }),
    tag: caseTagSchema.optional().meta({ description: "Only cases with this tag" }),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    after: idCursorSchema("case"),
  })
  .strict();
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

export const caseListSchema = z
  .object({
    revision: z.number().int().meta({ description: "The revision these cases are from" }),
    items: z.array(datasetCaseSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "DatasetCaseList" });
export type CaseList = z.infer<typeof caseListSchema>;

/** An edit of one case: only the fields given change; `expected: null` removes the reference. */
export const caseUpdateSchema = z
  .object({
    id: z.string().min(1).max(100),
    input: caseInputSchema.optional(),
    expected: z.unknown().optional(),
    tags: z.array(caseTagSchema).max(50).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: "CaseUpdate" });
export type CaseUpdate = z.infer<typeof caseUpdateSchema>;

const expectedRevisionSchema = z.number().int().min(0).optional().meta({
  description:
    "The revision the change was made against; refused with 409 when the dataset has moved on since",
});

const messageSchema = z.string().max(500).optional();

/** One change to a dataset: cases added, edited and removed together, as one new revision. */
export const reviseBodySchema = z
  .object({
    message: messageSchema,
    expectedRevision: expectedRevisionSchema,
    add: z.array(caseWriteSchema).optional(),
    update: z.array(caseUpdateSchema).optional(),
    remove: z.array(z.string().min(1).max(100)).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const count = (body.add?.length ?? 0) + (body.update?.length ?? 0) + (body.remove?.length ?? 0);
    if (count === 0) {
      ctx.addIssue({
        code: "custom",
        message: "the change is empty: give cases to add, update or remove",
      });
    } else if (count > MAX_CASES_PER_REQUEST) {
      ctx.addIssue({
        code: "custom",
        message: `a change holds at most ${MAX_CASES_PER_REQUEST} cases (added, updated and removed together), not ${count}: split it`,
      });
    }
  })
  .meta({ id: "DatasetChange" });
export type ReviseBody = z.infer<typeof reviseBodySchema>;

export const caseFileFormatSchema = z.enum(["csv", "jsonl"]);
export type CaseFileFormat = z.infer<typeof caseFileFormatSchema>;

export const importQuerySchema = z
  .object({
    format: caseFileFormatSchema
      .optional()
      .meta({ description: "csv or jsonl; by default from the Content-Type (text/csv or not)" }),
    message: messageSchema,
    expectedRevision: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: "Refuse with 409 when the dataset is no longer at this revision" }),
    fileName: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "The file's name, recorded as the source of its cases" }),
  })
  .strict();
export type ImportQuery = z.infer<typeof importQuerySchema>;

export const importResultSchema = z
  .object({
    revision: datasetRevisionSchema,
    imported: z.number().int().meta({ description: "Cases added from the file" }),
  })
  .meta({ id: "DatasetImportResult" });
export type ImportResult = z.infer<typeof importResultSchema>;

/** The details of a refused import (422): the bad rows by line, nothing imported. */
export const importProblemDetailsSchema = z
  .object({
    errors: z
      .array(z.object({ line: z.number().int(), message: z.string() }))
      .meta({ description: "The first 100 bad rows" }),
    errorCount: z.number().int().meta({ description: "Bad rows in the whole file" }),
  })
  .meta({ id: "DatasetImportProblemDetails" });
export type ImportProblemDetails = z.infer<typeof importProblemDetailsSchema>;

export const exportQuerySchema = z
  .object({
    format: caseFileFormatSchema.default("jsonl"),
    revision: revisionParamSchema
      .optional()
      .meta({ description: "The revision to export; the latest when left out" }),
  })
  .strict();
export type ExportQuery = z.infer<typeof exportQuerySchema>;

/** The trace explorer's filter (the trace list's query without paging). */
export const traceSelectionSchema = traceListQuerySchema
  .omit({ limit: true, cursor: true })
  .meta({ id: "TraceSelection" });

export const fromTracesBodySchema = z
  .object({
    traceIds: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(MAX_CASES_PER_REQUEST)
      .optional()
      .meta({ description: "These traces, each once" }),
    filter: traceSelectionSchema
      .optional()
      .meta({ description: "Every trace matching the trace explorer's filter, newest first" }),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_TRACES_PER_REQUEST)
      .default(1000)
      .meta({ description: "With filter: at most this many traces" }),
    tags: z.array(caseTagSchema).max(50).default([]),
    message: messageSchema,
    expectedRevision: expectedRevisionSchema,
  })
  .strict()
  .refine((body) => (body.traceIds === undefined) !== (body.filter === undefined), {
    message: "give either traceIds or filter, not both and not neither",
  })
  .meta({ id: "DatasetFromTraces" });
export type FromTracesBody = z.infer<typeof fromTracesBodySchema>;

export const fromTracesResultSchema = z
  .object({
    revision: datasetRevisionSchema,
    added: z.number().int().meta({ description: "Cases made, one per trace" }),
  })
  .meta({ id: "DatasetFromTracesResult" });
export type FromTracesResult = z.infer<typeof fromTracesResultSchema>;
