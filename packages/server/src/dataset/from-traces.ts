/**
 * Production calls become test cases in one action: each trace (named, or matching the trace
 * explorer's filter) becomes a case whose input is the variables the gateway recorded and whose
 * expected output is what the model answered, as a reference to correct; the case links back to
 * its trace.
 */
import {
  type FromTracesBody,
  type FromTracesResult,
  Invalid,
  NotFound,
  outputText,
  type Principal,
  TRACE_ID_PATTERN,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { ServiceContext } from "../context.js";
import type { Database, NewDatasetCase, TraceRow } from "../storage/database.js";
import { applyTraceFilter } from "../trace/store.js";
import type { DatasetRegistry } from "./registry.js";
import { newCaseRow, writeRevision } from "./revision.js";
import { CASE_BATCH, insertCaseRows } from "./store.js";

export interface DatasetFromTraces {
  addCasesFromTraces(
    principal: Principal,
    name: string,
    body: FromTracesBody,
  ): Promise<FromTracesResult>;
}

const TRACE_COLUMNS = [
  "id",
  "startTime",
  "promptName",
  "promptVersion",
  "metadata",
  "output",
] as const;
type CaseTrace = Pick<TraceRow, (typeof TRACE_COLUMNS)[number]>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The traces with these ids, in the order given; unknown ids are a 404 naming them. */
async function tracesById(
  db: Kysely<Database>,
  projectId: string,
  ids: readonly string[],
): Promise<CaseTrace[]> {
  const unique = [...new Set(ids)];
  const wellFormed = unique.filter((id) => TRACE_ID_PATTERN.test(id));
  const rows =
    wellFormed.length === 0
      ? []
      : await db
          .selectFrom("traces")
          .select(TRACE_COLUMNS)
          .where("projectId", "=", projectId)
          .where("id", "in", wellFormed)
          .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new NotFound(
      `no trace with id ${missing.map((id) => `'${id}'`).join(", ")} in this project`,
      { traceIds: missing },
    );
  }
  return unique.map((id) => byId.get(id) as CaseTrace);
}

/** The traces matching the filter (production calls by default), newest first, at most `limit`, a page at a time. */
async function* tracesMatching(
  db: Kysely<Database>,
  projectId: string,
  body: FromTracesBody,
): AsyncGenerator<CaseTrace[]> {
  // Production calls unless the filter names an origin: the judge's and the runs' own calls
  // (origin evaluation) and playground tries are not cases anyone meant to collect.
  const filter = { ...body.filter, origin: body.filter?.origin ?? "production" };
  let left = body.limit;
  let after: { startTime: string; id: string } | undefined;
  while (left > 0) {
    let query = applyTraceFilter(db.selectFrom("traces").select(TRACE_COLUMNS), projectId, filter);
    if (after) {
      const { startTime, id } = after;
      query = query.where((eb) =>
        eb.or([
          eb("startTime", "<", startTime),
          eb.and([eb("startTime", "=", startTime), eb("id", "<", id)]),
        ]),
      );
    }
    const page = await query
      .orderBy("startTime", "desc")
      .orderBy("id", "desc")
      .limit(Math.min(CASE_BATCH, left))
      .execute();
    if (page.length > 0) yield page;
    if (page.length < Math.min(CASE_BATCH, left)) return;
    left -= page.length;
    const last = page.at(-1) as CaseTrace;
    after = { startTime: last.startTime, id: last.id };
  }
}

export function createDatasetFromTraces(
  ctx: ServiceContext,
  datasets: DatasetRegistry,
): DatasetFromTraces {
  return {
    async addCasesFromTraces(principal, name, body) {
      const dataset = await datasets.requireDataset(principal.projectId, name);
      const byId =
        body.traceIds && (await tracesById(ctx.engine.db, principal.projectId, body.traceIds));
      const revision = await writeRevision(ctx, principal, dataset, {
        message: body.message,
        expectedRevision: body.expectedRevision,
        async apply(trx, next, at) {
          const caseOf = (trace: CaseTrace): NewDatasetCase => {
            const variables = trace.metadata.variables;
            const expected = outputText(trace.output);
            return newCaseRow(
              ctx,
              dataset.id,
              {
                input: { variables: isObject(variables) ? variables : {} },
                ...(expected !== null && { expected }),
                tags: body.tags,
                metadata: {
                  traceId: trace.id,
                  prompt: trace.promptName,
                  version: trace.promptVersion,
                },
              },
              { kind: "trace", ref: trace.id },
              { firstRevision: next, actor: principal.actor, at },
            );
          };
          let added = 0;
          const pages = byId ? [byId] : tracesMatching(trx, principal.projectId, body);
          for await (const page of pages) {
            await insertCaseRows(trx, page.map(caseOf));
            added += page.length;
          }
          if (added === 0) {
            throw new Invalid("no trace matches the filter: there is nothing to add");
          }
          return { added, updated: 0, removed: 0 };
        },
      });
      return { revision, added: revision.added };
    },
  };
}
