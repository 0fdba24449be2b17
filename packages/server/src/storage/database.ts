import type {
  AuditEventType,
  BumpLevel,
  BumpSuggestion,
  PromptContent,
  PromptType,
  ProviderKind,
  Role,
  Score,
  TraceOrigin,
  TraceStatus,
  TraceSummary,
} from "@promptline/core";
import type { Generated, Insertable, Selectable } from "kysely";
import type {
  DatasetCaseTable,
  DatasetRevisionTable,
  DatasetTable,
  EvalResultTable,
  EvalRunTable,
  GatePolicyTable,
  OnlineEvalRuleTable,
} from "./evaluation-tables.js";
import type {
  LeaseTable,
  RolloutCheckTable,
  RolloutDecisionTable,
  RolloutTable,
} from "./rollout-tables.js";

export type {
  DatasetCaseRow,
  DatasetRevisionRow,
  DatasetRow,
  EvalResultRow,
  EvalRunRow,
  GatePolicyRow,
  NewDatasetCase,
  OnlineEvalRuleRow,
} from "./evaluation-tables.js";

/**
 * Every table, for both engines, in the one shape the code reads and writes: camelCase names
 * (the SQL tables and columns are snake_case, translated by storage's Kysely plugin) and typed
 * values. Timestamps are ISO-8601 UTC strings (they sort as text). JSON columns hold their parsed
 * value and booleans are booleans here; the plugin stores them as text and 0/1 (see
 * stored-values.ts), one representation that both SQLite and PostgreSQL hold.
 */
export interface Database {
  projects: ProjectTable;
  apiKeys: ApiKeyTable;
  prompts: PromptTable;
  promptVersions: PromptVersionTable;
  environments: EnvironmentTable;
  labels: LabelTable;
  deployments: DeploymentTable;
  events: EventTable;
  providerConnections: ProviderConnectionTable;
  modelPrices: ModelPriceTable;
  traces: TraceTable;
  traceScores: TraceScoreTable;
  sessions: SessionTable;
  datasets: DatasetTable;
  datasetRevisions: DatasetRevisionTable;
  datasetCases: DatasetCaseTable;
  evalRuns: EvalRunTable;
  evalResults: EvalResultTable;
  gatePolicies: GatePolicyTable;
  onlineEvalRules: OnlineEvalRuleTable;
  rollouts: RolloutTable;
  rolloutDecisions: RolloutDecisionTable;
  rolloutChecks: RolloutCheckTable;
  leases: LeaseTable;
}

/** A signed-in browser: the cookie holds the token, this table only its hash. */
export interface SessionTable {
  tokenHash: string;
  /** The API key the person signed in with; revoking it ends the session. */
  keyHash: string;
  createdAt: string;
  expiresAt: string;
}

export interface ProjectTable {
  id: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyTable {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  keyHash: string;
  /** The key's first characters, shown so people can tell keys apart. */
  keyPrefix: string;
  /** Set on Langfuse-style key pairs: the public half, sent with the secret in Basic auth. */
  publicKey: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface PromptTable {
  id: string;
  projectId: string;
  name: string;
  type: PromptType;
  description: string;
  /** JSON. */
  tags: string[];
  /** Name, description and tags lowercased here (not by the engine, whose lower() differs). */
  searchText: string;
  /** JSON: the tags lowercased. */
  tagIndex: string[];
  /** JSON. */
  draft: PromptContent;
  draftUpdatedAt: string;
  draftUpdatedBy: string;
  latestVersion: number | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** Append-only: triggers on both engines refuse UPDATE and DELETE. */
export interface PromptVersionTable {
  id: string;
  promptId: string;
  version: number;
  semver: string;
  bump: BumpLevel | null;
  /** JSON, or null for a first version. */
  suggestedBump: BumpSuggestion | null;
  /** JSON. */
  content: PromptContent;
  contentHash: string;
  /** JSON: the variable names. */
  variables: string[];
  commitMessage: string;
  author: string;
  createdAt: string;
  parentVersion: number | null;
}

export interface EnvironmentTable {
  id: string;
  projectId: string;
  name: string;
  /** Stored as 0/1. */
  protected: boolean;
  createdAt: string;
  createdBy: string;
}

/** Where each environment points now; the deployments table holds how it got there. */
export interface LabelTable {
  promptId: string;
  environment: string;
  version: number;
  updatedAt: string;
}

/** Append-only, like versions. */
export interface DeploymentTable {
  id: Generated<number>;
  promptId: string;
  environment: string;
  kind: "deploy" | "rollback";
  fromVersion: number | null;
  toVersion: number;
  revertsId: number | null;
  actor: string;
  reason: string | null;
  /** Set when an admin deployed past a failing gate: the reason they gave. */
  gateOverride: Generated<string | null>;
  /** The rollout this move ended (promoted, aborted or rolled back). */
  rolloutId: Generated<number | null>;
  createdAt: string;
}

/** Append-only record of every change: the audit log and the source of change notifications. */
export interface EventTable {
  id: Generated<number>;
  projectId: string;
  type: AuditEventType;
  subject: string;
  /** JSON. */
  payload: Record<string, unknown>;
  actor: string;
  createdAt: string;
}

/** How a project reaches an LLM provider. The key is encrypted with the server secret. */
export interface ProviderConnectionTable {
  id: string;
  projectId: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  /** AES-256-GCM ciphertext of the API key (see secret/), or null for keyless providers. */
  apiKeyEncrypted: string | null;
  /** The key's last four characters, to tell keys apart on screens. */
  apiKeyHint: string | null;
  apiKeyHeader: string | null;
  defaultModel: string | null;
  timeoutMs: number;
  maxRetries: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** A project's own price for a model; the built-in defaults fill in the rest. */
export interface ModelPriceTable {
  projectId: string;
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  updatedAt: string;
  updatedBy: string;
}

/** One LLM call (a generation). Append-mostly: retention deletes old rows in bulk. */
export interface TraceTable {
  projectId: string;
  /** Time-ordered (UUIDv7) when promptline assigns it; the client's own id otherwise. */
  id: string;
  source: TraceSummary["source"];
  startTime: string;
  endTime: string | null;
  promptName: string | null;
  promptVersion: number | null;
  label: string | null;
  variant: string | null;
  provider: string | null;
  model: string | null;
  /** JSON (null when not sent). */
  input: unknown;
  /** JSON (null when not sent). */
  output: unknown;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cost: number | null;
  latencyMs: number | null;
  ttftMs: number | null;
  status: TraceStatus;
  origin: TraceOrigin;
  error: string | null;
  userId: string | null;
  sessionId: string | null;
  /** JSON. */
  metadata: Record<string, unknown>;
  ingestedAt: string;
}

export interface TraceScoreTable {
  id: string;
  projectId: string;
  traceId: string;
  name: string;
  value: number;
  comment: string | null;
  source: Score["source"];
  actor: string;
  createdAt: string;
}

export type ProjectRow = Selectable<ProjectTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
/** A prompt as the registry reads it: the search columns are derived on write, never read back. */
export type PromptRow = Omit<Selectable<PromptTable>, "searchText" | "tagIndex">;
export type PromptVersionRow = Selectable<PromptVersionTable>;
export type EnvironmentRow = Selectable<EnvironmentTable>;
export type DeploymentRow = Selectable<DeploymentTable>;
export type NewDeployment = Insertable<DeploymentTable>;
export type EventRow = Selectable<EventTable>;
export type ProviderConnectionRow = Selectable<ProviderConnectionTable>;
export type ModelPriceRow = Selectable<ModelPriceTable>;
export type SessionRow = Selectable<SessionTable>;
export type TraceRow = Selectable<TraceTable>;
export type NewTrace = Insertable<TraceTable>;
export type TraceScoreRow = Selectable<TraceScoreTable>;
