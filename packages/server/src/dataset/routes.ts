import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  caseListQuerySchema,
  caseListSchema,
  createDatasetBodySchema,
  datasetListQuerySchema,
  datasetListSchema,
  datasetNameSchema,
  datasetRevisionSchema,
  datasetSchema,
  exportQuerySchema,
  fromTracesBodySchema,
  fromTracesResultSchema,
  importQuerySchema,
  importResultSchema,
  problemSchema,
  reviseBodySchema,
  revisionListQuerySchema,
  revisionListSchema,
  updateDatasetBodySchema,
} from "@promptline/core";
import { z } from "zod";
import { type AppEnv, requires } from "../http/auth.js";
import { json, jsonBody, problems, security } from "../http/openapi.js";
import type { DatasetService } from "./service.js";

const tags = ["Datasets"];

const datasetNameParam = z.object({
  name: datasetNameSchema.meta({
    param: { name: "name", in: "path" },
    description: "The dataset's name, URL-encoded: support/refunds is support%2Frefunds",
    example: "support%2Frefunds",
  }),
});

const unprocessable = {
  422: {
    description:
      "Bad rows: details.errors lists the first 100 by line, details.errorCount counts them all; nothing was imported",
    content: { "application/problem+json": { schema: problemSchema } },
  },
} as const;

/** One file format's media type, for the documents of import and export. */
const caseFiles = (description: string) => ({
  description,
  content: {
    "text/csv": {
      schema: z.string().meta({ description: "A header row, then one case per record" }),
    },
    "application/x-ndjson": { schema: z.string().meta({ description: "One CaseWrite per line" }) },
  },
});

export function registerDatasetRoutes(app: OpenAPIHono<AppEnv>, datasets: DatasetService): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/datasets",
      tags,
      security,
      summary: "List datasets by name",
      middleware: [requires("dataset:read")],
      request: { query: datasetListQuerySchema },
      responses: { 200: json(datasetListSchema, "A page of datasets"), ...problems },
    }),
    async (c) => c.json(await datasets.listDatasets(c.get("principal"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/datasets",
      tags,
      security,
      summary: "Create an empty dataset (revision 0)",
      middleware: [requires("dataset:write")],
      request: { body: jsonBody(createDatasetBodySchema) },
      responses: { 201: json(datasetSchema, "The new dataset"), ...problems },
    }),
    async (c) => c.json(await datasets.createDataset(c.get("principal"), c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/datasets/{name}",
      tags,
      security,
      summary: "Get a dataset: its description, latest revision and case count",
      middleware: [requires("dataset:read")],
      request: { params: datasetNameParam },
      responses: { 200: json(datasetSchema, "The dataset"), ...problems },
    }),
    async (c) =>
      c.json(await datasets.getDataset(c.get("principal"), c.req.valid("param").name), 200),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/v1/datasets/{name}",
      tags,
      security,
      summary: "Change a dataset's description",
      middleware: [requires("dataset:write")],
      request: { params: datasetNameParam, body: jsonBody(updateDatasetBodySchema) },
      responses: { 200: json(datasetSchema, "The updated dataset"), ...problems },
    }),
    async (c) =>
      c.json(
        await datasets.updateDataset(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("json"),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/datasets/{name}/revisions",
      tags,
      security,
      summary: "A dataset's revisions, newest first",
      middleware: [requires("dataset:read")],
      request: { params: datasetNameParam, query: revisionListQuerySchema },
      responses: { 200: json(revisionListSchema, "A page of revisions"), ...problems },
    }),
    async (c) =>
      c.json(
        await datasets.listRevisions(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("query"),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/datasets/{name}/revisions",
      tags,
      security,
      summary: "Change cases: add, update and remove them together as the next revision",
      description:
        "At most 1,000 cases per change. With expectedRevision, a dataset changed since by someone else refuses with 409. Unknown case ids are a 404 naming them.",
      middleware: [requires("dataset:write")],
      request: { params: datasetNameParam, body: jsonBody(reviseBodySchema) },
      responses: { 201: json(datasetRevisionSchema, "The new revision"), ...problems },
    }),
    async (c) =>
      c.json(
        await datasets.revise(c.get("principal"), c.req.valid("param").name, c.req.valid("json")),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/datasets/{name}/cases",
      tags,
      security,
      summary: "A revision's cases (the latest by default), in the order they were added",
      middleware: [requires("dataset:read")],
      request: { params: datasetNameParam, query: caseListQuerySchema },
      responses: { 200: json(caseListSchema, "A page of cases"), ...problems },
    }),
    async (c) =>
      c.json(
        await datasets.listCases(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("query"),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/datasets/{name}/import",
      tags,
      security,
      summary: "Import a CSV or JSONL file as the next revision",
      description:
        "The file is the request body (text/csv or application/x-ndjson), read as it streams in: up to 512 MiB. Either every row is imported, as one new revision, or none is: bad rows are answered with 422 listing them by line.",
      middleware: [requires("dataset:write")],
      request: {
        params: datasetNameParam,
        query: importQuerySchema,
        body: { required: true, ...caseFiles("The case file") },
      },
      responses: {
        201: json(importResultSchema, "The new revision"),
        ...problems,
        ...unprocessable,
      },
    }),
    async (c) =>
      c.json(
        await datasets.importCases(
          c.get("principal"),
          c.req.valid("param").name,
          { ...c.req.valid("query"), contentType: c.req.header("content-type") },
          c.req.raw.body,
        ),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/datasets/{name}/export",
      tags,
      security,
      summary: "Export a revision's cases as CSV or JSONL, streamed",
      middleware: [requires("dataset:read")],
      request: { params: datasetNameParam, query: exportQuerySchema },
      responses: {
        200: caseFiles("The case file, which imports back as the same cases"),
        ...problems,
      },
    }),
    async (c) => {
      const file = await datasets.exportCases(
        c.get("principal"),
        c.req.valid("param").name,
        c.req.valid("query"),
      );
      return c.body(file.body, 200, {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.fileName}"`,
        "x-promptline-dataset-revision": String(file.revision),
      });
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/datasets/{name}/from-traces",
      tags,
      security,
      summary: "Turn traces into cases: named ones, or every one matching a trace filter",
      description:
        "Each trace becomes a case: its recorded variables as the input, its output as the expected reference, linked back by metadata.traceId. Needs dataset:write and trace:read.",
      middleware: [requires("dataset:write"), requires("trace:read")],
      request: { params: datasetNameParam, body: jsonBody(fromTracesBodySchema) },
      responses: { 201: json(fromTracesResultSchema, "The new revision"), ...problems },
    }),
    async (c) =>
      c.json(
        await datasets.addCasesFromTraces(
          c.get("principal"),
          c.req.valid("param").name,
          c.req.valid("json"),
        ),
        201,
      ),
  );
}
