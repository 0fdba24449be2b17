/**
 * The dataset registry: create, describe, list, read a revision's cases, and change cases inline (added,
 * edited, removed together as one new revision). Imports, exports and cases from traces are in
 * their own modules, built on the same revision writer.
 */
import {
  type CaseList,
  type CaseListQuery,
  type CaseUpdate,
  type CreateDatasetBody,
  type Dataset,
  type DatasetList,
  type DatasetListQuery,
  type DatasetRevision,
  datasetNameSchema,
  Invalid,
  NotFound,
  type Principal,
  type ReviseBody,
  type RevisionList,
  type RevisionListQuery,
  type UpdateDatasetBody,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { nowIso, type ServiceContext } from "../context.js";
import { createWithEvent, writeWithEvents } from "../event/write.js";
import type { Database, DatasetCaseRow, DatasetRow, NewDatasetCase } from "../storage/database.js";
import { newCaseRow, presentCase, presentRevision, writeRevision } from "./revision.js";
import {
  closeCaseRows,
  findDatasetByName,
  insertCaseRows,
  insertDataset,
  listCasesAt,
  listDatasets,
  listRevisions,
  openCaseRows,
  updateDatasetDescription,
} from "./store.js";

export function presentDataset(row: DatasetRow): Dataset {
  const { id: _, projectId: __, ...dataset } = row;
  return dataset;
}

export interface DatasetRegistry {
  listDatasets(principal: Principal, query: DatasetListQuery): Promise<DatasetList>;
  createDataset(principal: Principal, body: CreateDatasetBody): Promise<Dataset>;
  getDataset(principal: Principal, name: string): Promise<Dataset>;
  updateDataset(principal: Principal, name: string, body: UpdateDatasetBody): Promise<Dataset>;
  listRevisions(
    principal: Principal,
    name: string,
    query: RevisionListQuery,
  ): Promise<RevisionList>;
  listCases(principal: Principal, name: string, query: CaseListQuery): Promise<CaseList>;
  revise(principal: Principal, name: string, body: ReviseBody): Promise<DatasetRevision>;
  /** The dataset, or a 404 that says how to create it. */
  requireDataset(projectId: string, name: string): Promise<DatasetRow>;
  /** The revision asked for (the latest when none is), or a 404 naming the latest. */
  requireRevision(dataset: DatasetRow, revision: number | undefined): number;
}

/** An edit applied to a case's current form: only the fields given change. */
function edited(current: DatasetCaseRow, update: CaseUpdate): Omit<DatasetCaseRow, "rowId"> {
  return {
    ...current,
    input: update.input ?? current.input,
    expected: update.expected === undefined ? current.expected : update.expected,
    tags: update.tags ?? current.tags,
    metadata: update.metadata ?? current.metadata,
  };
}

/** Ids named twice in one change (edited twice, or edited and removed) make it ambiguous. */
function repeatedIds(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(ids.filter((id) => seen.size === seen.add(id).size))];
}

/** The dataset, or a 404 that says how to create it: for every service that names one. */
export async function requireDataset(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<DatasetRow> {
  const found = datasetNameSchema.safeParse(name).success
    ? await findDatasetByName(db, projectId, name)
    : undefined;
  if (!found) {
    throw new NotFound(
      `no dataset named '${name}' in this project: create it with POST /api/v1/datasets`,
    );
  }
  return found;
}

export function createDatasetRegistry(ctx: ServiceContext): DatasetRegistry {
  const { db } = ctx.engine;

  function requireRevision(dataset: DatasetRow, revision: number | undefined): number {
    if (revision === undefined) return dataset.latestRevision;
    if (revision > dataset.latestRevision) {
      throw new NotFound(
        dataset.latestRevision === 0
          ? `dataset '${dataset.name}' has no revisions yet: add cases first`
          : `dataset '${dataset.name}' has no revision ${revision}; its latest is ${dataset.latestRevision}`,
        { latestRevision: dataset.latestRevision },
      );
    }
    return revision;
  }

  return {
    requireDataset: (projectId, name) => requireDataset(db, projectId, name),
    requireRevision,

    async listDatasets(principal, query) {
      const rows = await listDatasets(db, principal.projectId, query);
      return {
        items: rows.map(presentDataset),
        nextCursor: rows.length === query.limit ? (rows.at(-1)?.name ?? null) : null,
      };
    },

    async createDataset(principal, body) {
      const at = nowIso(ctx);
      const row: DatasetRow = {
        id: ctx.newId(),
        projectId: principal.projectId,
        name: body.name,
        description: body.description,
        latestRevision: 0,
        caseCount: 0,
        createdAt: at,
        createdBy: principal.actor,
        updatedAt: at,
      };
      await createWithEvent(
        ctx,
        (trx) => insertDataset(trx, row),
        {
          projectId: row.projectId,
          type: "dataset.created",
          subject: row.name,
          payload: { description: row.description },
          actor: principal.actor,
          at,
        },
        `dataset '${body.name}' already exists`,
      );
      return presentDataset(row);
    },

    async getDataset(principal, name) {
      return presentDataset(await requireDataset(db, principal.projectId, name));
    },

    async updateDataset(principal, name, body) {
      const dataset = await requireDataset(db, principal.projectId, name);
      const at = nowIso(ctx);
      await writeWithEvents(ctx, async (trx, record) => {
        await updateDatasetDescription(trx, dataset.id, body.description, at);
        await record({
          projectId: dataset.projectId,
          type: "dataset.updated",
          subject: dataset.name,
          payload: { description: body.description },
          actor: principal.actor,
          at,
        });
      });
      return presentDataset({ ...dataset, description: body.description, updatedAt: at });
    },

    async listRevisions(principal, name, query) {
      const dataset = await requireDataset(db, principal.projectId, name);
      const rows = await listRevisions(db, dataset.id, query);
      return {
        items: rows.map(presentRevision),
        nextCursor: rows.length === query.limit ? (rows.at(-1)?.revision ?? null) : null,
      };
    },

    async listCases(principal, name, query) {
      const dataset = await requireDataset(db, principal.projectId, name);
      const revision = requireRevision(dataset, query.revision);
      const rows = await listCasesAt(db, dataset.id, revision, {
        afterCaseId: query.after,
        limit: query.limit,
        tag: query.tag,
      });
      return {
        revision,
        items: rows.map(presentCase),
        nextCursor: rows.length === query.limit ? (rows.at(-1)?.caseId ?? null) : null,
      };
    },

    async revise(principal, name, body) {
      const dataset = await requireDataset(db, principal.projectId, name);
      const updates = body.update ?? [];
      const removals = body.remove ?? [];
      const named = [...updates.map((u) => u.id), ...removals];
      const repeated = repeatedIds(named);
      if (repeated.length > 0) {
        throw new Invalid(
          `each case may be updated or removed once per change; named more than once: ${repeated.join(", ")}`,
          { caseIds: repeated },
        );
      }
      return writeRevision(ctx, principal, dataset, {
        message: body.message,
        expectedRevision: body.expectedRevision,
        async apply(trx, revision, at) {
          const current = new Map(
            (await openCaseRows(trx, dataset.id, named)).map((row) => [row.caseId, row]),
          );
          const missing = named.filter((id) => !current.has(id));
          if (missing.length > 0) {
            throw new NotFound(
              `no case with id ${missing.map((id) => `'${id}'`).join(", ")} in the latest revision of dataset '${dataset.name}'`,
              { caseIds: missing },
            );
          }
          await closeCaseRows(trx, dataset.id, named, revision);
          const rows: NewDatasetCase[] = updates.map((update) => ({
            ...edited(current.get(update.id) as DatasetCaseRow, update),
            rowId: ctx.newId(),
            firstRevision: revision,
            removedRevision: null,
            createdAt: at,
            createdBy: principal.actor,
          }));
          for (const write of body.add ?? []) {
            rows.push(
              newCaseRow(
                ctx,
                dataset.id,
                write,
                { kind: "person", ref: principal.actor },
                { firstRevision: revision, actor: principal.actor, at },
              ),
            );
          }
          await insertCaseRows(trx, rows);
          return {
            added: body.add?.length ?? 0,
            updated: updates.length,
            removed: removals.length,
          };
        },
      });
    },
  };
}
