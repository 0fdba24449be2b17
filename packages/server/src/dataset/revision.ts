/**
 * How every change to a dataset becomes its next revision — inline edits, imports and cases made
 * from traces alike: one transaction that takes the next number under the dataset's lock, checks
 * the revision the change was made against, applies the change, records the revision with its
 * counts and the `dataset.revised` event. Either all of it happens or none.
 */
import {
  type CaseSource,
  type CaseWrite,
  Conflict,
  type DatasetCase,
  type DatasetRevision,
  type Principal,
  timeOrderedId,
} from "@promptline/core";
import type { Transaction } from "kysely";
import { nowIso, type ServiceContext } from "../context.js";
import { writeWithEvents } from "../event/write.js";
import type {
  Database,
  DatasetCaseRow,
  DatasetRevisionRow,
  DatasetRow,
  NewDatasetCase,
} from "../storage/database.js";
import { claimNextRevision, recordRevision } from "./store.js";

/** What a change did, as its revision counts it. */
export interface ChangeCounts {
  added: number;
  updated: number;
  removed: number;
}

export interface RevisionPlan {
  /** What the revision says it is; one is made from the counts when blank. */
  message?: string | undefined;
  /** The revision the change was made against: another latest one is a Conflict. */
  expectedRevision?: number | undefined;
  /** Writes the change at `revision`; throwing undoes everything. */
  apply(trx: Transaction<Database>, revision: number, at: string): Promise<ChangeCounts>;
}

export function presentRevision(row: DatasetRevisionRow): DatasetRevision {
  const { datasetId: _, ...revision } = row;
  return revision;
}

/** A case row as the API shows it: the case's id, and the revision this form of it is from. */
export function presentCase(row: DatasetCaseRow): DatasetCase {
  return {
    id: row.caseId,
    input: row.input,
    expected: row.expected ?? null,
    tags: row.tags,
    metadata: row.metadata,
    source: { kind: row.sourceKind, ref: row.sourceRef },
    revision: row.firstRevision ?? 0,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

/** A new case's first row: a fresh case id, which sorts after every earlier one. */
export function newCaseRow(
  ctx: ServiceContext,
  datasetId: string,
  write: CaseWrite,
  source: CaseSource,
  opened: { firstRevision: number | null; pendingImport?: string; actor: string; at: string },
): NewDatasetCase {
  return {
    rowId: ctx.newId(),
    datasetId,
    caseId: timeOrderedId(ctx.clock.now().getTime()),
    firstRevision: opened.firstRevision,
    removedRevision: null,
    pendingImport: opened.pendingImport ?? null,
    input: write.input,
    expected: write.expected ?? null,
    tags: write.tags,
    metadata: write.metadata,
    sourceKind: source.kind,
    sourceRef: source.ref,
    createdAt: opened.at,
    createdBy: opened.actor,
  };
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

function describeCounts({ added, updated, removed }: ChangeCounts): string {
  const parts = [
    added > 0 && `added ${plural(added, "case")}`,
    updated > 0 && `updated ${plural(updated, "case")}`,
    removed > 0 && `removed ${plural(removed, "case")}`,
  ].filter((part): part is string => typeof part === "string");
  return parts.join(", ") || "no change";
}

/** Makes the dataset's next revision from `plan`, in one transaction with its event. */
export async function writeRevision(
  ctx: ServiceContext,
  principal: Principal,
  dataset: DatasetRow,
  plan: RevisionPlan,
): Promise<DatasetRevision> {
  const row = await writeWithEvents(ctx, async (trx, record) => {
    const claimed = await claimNextRevision(trx, dataset.id);
    const previous = claimed.revision - 1;
    if (plan.expectedRevision !== undefined && plan.expectedRevision !== previous) {
      throw new Conflict(
        `dataset '${dataset.name}' is at revision ${previous}, not ${plan.expectedRevision}: someone changed it since; reload it and make the change again`,
        { latestRevision: previous },
      );
    }
    const at = nowIso(ctx);
    const counts = await plan.apply(trx, claimed.revision, at);
    const revision: DatasetRevisionRow = {
      datasetId: dataset.id,
      revision: claimed.revision,
      message: plan.message?.trim() || describeCounts(counts),
      ...counts,
      caseCount: claimed.caseCount + counts.added - counts.removed,
      actor: principal.actor,
      createdAt: at,
    };
    await recordRevision(trx, revision);
    await record({
      projectId: dataset.projectId,
      type: "dataset.revised",
      subject: dataset.name,
      payload: {
        revision: revision.revision,
        message: revision.message,
        ...counts,
        caseCount: revision.caseCount,
      },
      actor: principal.actor,
      at,
    });
    return revision;
  });
  return presentRevision(row);
}
