import type { Generated, Insertable, Selectable } from "kysely";

/**
 * Every table, for both engines. Timestamps are ISO-8601 UTC strings (they sort as text), JSON
 * is stored as text, booleans as 0/1: one representation that both SQLite and PostgreSQL hold.
 */
export interface Database {
  projects: ProjectTable;
  api_keys: ApiKeyTable;
  prompts: PromptTable;
  prompt_versions: PromptVersionTable;
  environments: EnvironmentTable;
  labels: LabelTable;
  deployments: DeploymentTable;
  events: EventTable;
  provider_connections: ProviderConnectionTable;
  model_prices: ModelPriceTable;
  traces: TraceTable;
  trace_scores: TraceScoreTable;
  sessions: SessionTable;
}

/** A signed-in browser: the cookie holds the token, this table only its hash. */
export interface SessionTable {
  token_hash: string;
  /** The API key the person signed in with; revoking it ends the session. */
  key_hash: string;
  created_at: string;
  expires_at: string;
}

export interface ProjectTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  project_id: string;
  name: string;
  role: string;
  key_hash: string;
  key_prefix: string;
  /** Set on Langfuse-style key pairs: the public half, sent with the secret in Basic auth. */
  public_key: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

export interface PromptTable {
  id: string;
  project_id: string;
  name: string;
  type: string;
  description: string;
  /** JSON array of strings. */
  tags: string;
  /** Name, description and tags lowercased here (not by the engine, whose lower() differs). */
  search_text: string;
  /** The tags lowercased, as a JSON array. */
  tag_index: string;
  /** JSON PromptContent. */
  draft: string;
  draft_updated_at: string;
  draft_updated_by: string;
  latest_version: number | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** Append-only: triggers on both engines refuse UPDATE and DELETE. */
export interface PromptVersionTable {
  id: string;
  prompt_id: string;
  version: number;
  semver: string;
  bump: string | null;
  /** JSON BumpSuggestion, or null for a first version. */
  suggested_bump: string | null;
  /** JSON PromptContent. */
  content: string;
  content_hash: string;
  /** JSON array of variable names. */
  variables: string;
  commit_message: string;
  author: string;
  created_at: string;
  parent_version: number | null;
}

export interface EnvironmentTable {
  id: string;
  project_id: string;
  name: string;
  protected: number;
  created_at: string;
  created_by: string;
}

/** Where each environment points now; the deployments table holds how it got there. */
export interface LabelTable {
  prompt_id: string;
  environment: string;
  version: number;
  updated_at: string;
}

/** Append-only, like versions. */
export interface DeploymentTable {
  id: Generated<number>;
  prompt_id: string;
  environment: string;
  kind: string;
  from_version: number | null;
  to_version: number;
  reverts_id: number | null;
  actor: string;
  reason: string | null;
  created_at: string;
}

/** Append-only record of every change: the audit log and the source of change notifications. */
export interface EventTable {
  id: Generated<number>;
  project_id: string;
  type: string;
  subject: string;
  /** JSON. */
  payload: string;
  actor: string;
  created_at: string;
}

/** How a project reaches an LLM provider. The key is encrypted with the server secret. */
export interface ProviderConnectionTable {
  id: string;
  project_id: string;
  name: string;
  kind: string;
  base_url: string | null;
  /** AES-256-GCM ciphertext of the API key (see secret/), or null for keyless providers. */
  api_key_encrypted: string | null;
  /** The key's last four characters, to tell keys apart on screens. */
  api_key_hint: string | null;
  api_key_header: string | null;
  default_model: string | null;
  timeout_ms: number;
  max_retries: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** A project's own price for a model; the built-in defaults fill in the rest. */
export interface ModelPriceTable {
  project_id: string;
  model: string;
  input_per_million: number;
  output_per_million: number;
  updated_at: string;
  updated_by: string;
}

/** One LLM call (a generation). Append-mostly: retention deletes old rows in bulk. */
export interface TraceTable {
  project_id: string;
  /** Time-ordered (UUIDv7) when promptline assigns it; the client's own id otherwise. */
  id: string;
  source: string;
  start_time: string;
  end_time: string | null;
  prompt_name: string | null;
  prompt_version: number | null;
  label: string | null;
  variant: string | null;
  provider: string | null;
  model: string | null;
  /** JSON. */
  input: string | null;
  /** JSON. */
  output: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  status: string;
  error: string | null;
  user_id: string | null;
  session_id: string | null;
  /** JSON object. */
  metadata: string;
  ingested_at: string;
}

/** The traces table's columns in insert order, with their SQL types (for bulk inserts). */
export const SCORE_COLUMNS = [
  ["id", "text"],
  ["project_id", "text"],
  ["trace_id", "text"],
  ["name", "text"],
  ["value", "double precision"],
  ["comment", "text"],
  ["source", "text"],
  ["actor", "text"],
  ["created_at", "text"],
] as const satisfies ReadonlyArray<readonly [keyof TraceScoreTable, string]>;

export const TRACE_COLUMNS = [
  ["project_id", "text"],
  ["id", "text"],
  ["source", "text"],
  ["start_time", "text"],
  ["end_time", "text"],
  ["prompt_name", "text"],
  ["prompt_version", "integer"],
  ["label", "text"],
  ["variant", "text"],
  ["provider", "text"],
  ["model", "text"],
  ["input", "text"],
  ["output", "text"],
  ["input_tokens", "integer"],
  ["output_tokens", "integer"],
  ["total_tokens", "integer"],
  ["cost", "double precision"],
  ["latency_ms", "double precision"],
  ["ttft_ms", "double precision"],
  ["status", "text"],
  ["error", "text"],
  ["user_id", "text"],
  ["session_id", "text"],
  ["metadata", "text"],
  ["ingested_at", "text"],
] as const satisfies ReadonlyArray<readonly [keyof TraceTable, string]>;

export interface TraceScoreTable {
  id: string;
  project_id: string;
  trace_id: string;
  name: string;
  value: number;
  comment: string | null;
  source: string;
  actor: string;
  created_at: string;
}

export type PromptRow = Selectable<PromptTable>;
export type PromptVersionRow = Selectable<PromptVersionTable>;
export type NewPromptVersion = Insertable<PromptVersionTable>;
export type DeploymentRow = Selectable<DeploymentTable>;
export type EnvironmentRow = Selectable<EnvironmentTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type ProviderConnectionRow = Selectable<ProviderConnectionTable>;
export type TraceRow = Selectable<TraceTable>;
export type NewTrace = Insertable<TraceTable>;
export type TraceScoreRow = Selectable<TraceScoreTable>;
