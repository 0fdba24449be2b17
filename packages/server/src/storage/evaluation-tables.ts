import type {
  CaseInput,
  CaseSource,
  EvalRunStatus,
  EvalScore,
  EvalVariant,
  GatePolicy,
  RunSummary,
  ScorerSpec,
} from "@promptline/core";
import type { Generated, Insertable, Selectable } from "kysely";

/** The tables of datasets, evaluation runs, gates and online evaluation. */
export interface DatasetTable {
  id: string;
  projectId: string;
  name: string;
  description: string;
  /** 0 until the first change. */
  latestRevision: number;
  /** Cases in the latest revision. */
  caseCount: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** Append-only: one row per change to a dataset. */
export interface DatasetRevisionTable {
  datasetId: string;
  revision: number;
  message: string;
  added: number;
  updated: number;
  removed: number;
  caseCount: number;
  actor: string;
  createdAt: string;
}

/**
 * One form of a case, in the revisions [firstRevision, removedRevision). Editing a case closes
 * its row and opens a new one with the same caseId; a revision's cases are the rows open at it,
 * so revisions share rows instead of copying them. Rows of an import still being read have no
 * firstRevision (no revision sees them) and carry the import's id in pendingImport.
 */
export interface DatasetCaseTable {
  rowId: string;
  datasetId: string;
  caseId: string;
  firstRevision: number | null;
  removedRevision: number | null;
  pendingImport: string | null;
  /** JSON. */
  input: CaseInput;
  /** JSON, or null when the case has no reference. */
  expected: unknown;
  /** JSON. */
  tags: string[];
  /** JSON. */
  metadata: Record<string, unknown>;
  sourceKind: CaseSource["kind"];
  sourceRef: string | null;
  createdAt: string;
  createdBy: string;
}

export interface EvalRunTable {
  id: string;
  projectId: string;
  promptId: string;
  promptName: string;
  datasetId: string;
  datasetName: string;
  datasetRevision: number;
  /** JSON: candidates and baseline, each with one model. */
  variants: EvalVariant[];
  /** JSON. */
  scorers: ScorerSpec[];
  /** The environment whose gate the run is checked against, and whose version is the baseline. */
  environment: string | null;
  concurrency: number;
  requestsPerMinute: number | null;
  status: EvalRunStatus;
  totalItems: number;
  doneItems: number;
  erroredItems: number;
  error: string | null;
  /** JSON: set when the run finishes. */
  summary: RunSummary | null;
  /** JSON: the names of the scores custom scorers submitted (POST /eval-runs/{id}/scores). */
  customScorers: Generated<string[]>;
  /** The instance working on the run, until the lease expires (then another may resume it). */
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One case through one variant: written once, when it is done. */
export interface EvalResultTable {
  runId: string;
  variant: number;
  caseRowId: string;
  caseId: string;
  /** JSON: the output text, or the JSON it parsed to. */
  output: unknown;
  /** JSON. */
  scores: EvalScore[];
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cost: number | null;
  error: string | null;
  traceId: string | null;
  finishedAt: string;
}

export interface GatePolicyTable {
  projectId: string;
  environment: string;
  /** JSON. */
  policy: GatePolicy;
  updatedAt: string;
  updatedBy: string;
}

/** Which share of an environment's production traces of a prompt are scored, and by what. */
export interface OnlineEvalRuleTable {
  projectId: string;
  promptName: string;
  environment: string;
  rate: number;
  /** JSON. */
  scorers: ScorerSpec[];
  updatedAt: string;
  updatedBy: string;
}

export type DatasetRow = Selectable<DatasetTable>;
export type DatasetRevisionRow = Selectable<DatasetRevisionTable>;
export type DatasetCaseRow = Selectable<DatasetCaseTable>;
export type NewDatasetCase = Insertable<DatasetCaseTable>;
export type EvalRunRow = Selectable<EvalRunTable>;
export type EvalResultRow = Selectable<EvalResultTable>;
export type GatePolicyRow = Selectable<GatePolicyTable>;
export type OnlineEvalRuleRow = Selectable<OnlineEvalRuleTable>;
