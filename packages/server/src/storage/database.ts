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

export type PromptRow = Selectable<PromptTable>;
export type PromptVersionRow = Selectable<PromptVersionTable>;
export type NewPromptVersion = Insertable<PromptVersionTable>;
export type DeploymentRow = Selectable<DeploymentTable>;
export type EnvironmentRow = Selectable<EnvironmentTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
