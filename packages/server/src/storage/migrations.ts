import { type Kysely, type Migration, Migrator, sql } from "kysely";
import type { StorageEngine } from "./engine.js";
import { evaluationMigrations } from "./migrations-evaluations.js";
import { rolloutMigrations } from "./migrations-rollouts.js";

/** Migrations, in order. Each is written once against both engines via the engine's helpers. */
function migrations(engine: StorageEngine): Record<string, Migration> {
  return {
    "0001_registry": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("projects")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull().unique())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("api_keys")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("key_hash", "text", (c) => c.notNull().unique())
          .addColumn("key_prefix", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addColumn("revoked_at", "text")
          .execute();
        await db.schema
          .createTable("prompts")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("description", "text", (c) => c.notNull())
          .addColumn("tags", "text", (c) => c.notNull())
          .addColumn("search_text", "text", (c) => c.notNull())
          .addColumn("tag_index", "text", (c) => c.notNull())
          .addColumn("draft", "text", (c) => c.notNull())
          .addColumn("draft_updated_at", "text", (c) => c.notNull())
          .addColumn("draft_updated_by", "text", (c) => c.notNull())
          .addColumn("latest_version", "integer")
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addUniqueConstraint("prompts_project_name", ["project_id", "name"])
          .execute();
        await db.schema
          .createTable("prompt_versions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("prompt_id", "text", (c) => c.notNull().references("prompts.id"))
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("semver", "text", (c) => c.notNull())
          .addColumn("bump", "text")
          .addColumn("suggested_bump", "text")
          .addColumn("content", "text", (c) => c.notNull())
          .addColumn("content_hash", "text", (c) => c.notNull())
          .addColumn("variables", "text", (c) => c.notNull())
          .addColumn("commit_message", "text", (c) => c.notNull())
          .addColumn("author", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("parent_version", "integer")
          .addUniqueConstraint("prompt_versions_number", ["prompt_id", "version"])
          .execute();
        await db.schema
          .createIndex("prompt_versions_hash")
          .on("prompt_versions")
          .columns(["prompt_id", "content_hash"])
          .execute();
        await db.schema
          .createTable("environments")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("protected", "integer", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addUniqueConstraint("environments_project_name", ["project_id", "name"])
          .execute();
        await db.schema
          .createTable("labels")
          .addColumn("prompt_id", "text", (c) => c.notNull().references("prompts.id"))
          .addColumn("environment", "text", (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("labels_pk", ["prompt_id", "environment"])
          .execute();
        await db.schema
          .createTable("deployments")
          .addColumn("id", "integer", (c) => engine.identity(c))
          .addColumn("prompt_id", "text", (c) => c.notNull().references("prompts.id"))
          .addColumn("environment", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("from_version", "integer")
          .addColumn("to_version", "integer", (c) => c.notNull())
          .addColumn("reverts_id", "integer")
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("reason", "text")
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("deployments_label")
          .on("deployments")
          .columns(["prompt_id", "environment", "id"])
          .execute();
        await db.schema
          .createTable("events")
          .addColumn("id", "integer", (c) => engine.identity(c))
          .addColumn("project_id", "text", (c) => c.notNull())
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("subject", "text", (c) => c.notNull())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("events_project")
          .on("events")
          .columns(["project_id", "id"])
          .execute();
        for (const table of ["prompt_versions", "deployments", "events"]) {
          for (const statement of engine.appendOnlySql(table)) await sql.raw(statement).execute(db);
        }
      },
    },
    "0002_key_pairs": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        await db.schema.alterTable("api_keys").addColumn("public_key", "text").execute();
        await db.schema
          .createIndex("api_keys_public_key")
          .unique()
          .on("api_keys")
          .column("public_key")
          .execute();
      },
    },
    "0003_observability": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("provider_connections")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("base_url", "text")
          .addColumn("api_key_encrypted", "text")
          .addColumn("api_key_hint", "text")
          .addColumn("api_key_header", "text")
          .addColumn("default_model", "text")
          .addColumn("timeout_ms", "integer", (c) => c.notNull())
          .addColumn("max_retries", "integer", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("created_by", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addUniqueConstraint("provider_connections_project_name", ["project_id", "name"])
          .execute();
        await db.schema
          .createTable("model_prices")
          .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
          .addColumn("model", "text", (c) => c.notNull())
          .addColumn("input_per_million", "double precision", (c) => c.notNull())
          .addColumn("output_per_million", "double precision", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("updated_by", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("model_prices_pk", ["project_id", "model"])
          .execute();
        // No foreign key to projects: ingestion runs at tens of thousands of rows a second.
        await db.schema
          .createTable("traces")
          .addColumn("project_id", "text", (c) => c.notNull())
          .addColumn("id", "text", (c) => c.notNull())
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("start_time", "text", (c) => c.notNull())
          .addColumn("end_time", "text")
          .addColumn("prompt_name", "text")
          .addColumn("prompt_version", "integer")
          .addColumn("label", "text")
          .addColumn("variant", "text")
          .addColumn("provider", "text")
          .addColumn("model", "text")
          .addColumn("input", "text")
          .addColumn("output", "text")
          .addColumn("input_tokens", "integer")
          .addColumn("output_tokens", "integer")
          .addColumn("total_tokens", "integer")
          .addColumn("cost", "double precision")
          .addColumn("latency_ms", "double precision")
          .addColumn("ttft_ms", "double precision")
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("error", "text")
          .addColumn("user_id", "text")
          .addColumn("session_id", "text")
          .addColumn("metadata", "text", (c) => c.notNull())
          .addColumn("ingested_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("traces_pk", ["project_id", "id"])
          .execute();
        // Every list is newest first within a project; the filters people use most get their
        // own (filter, time) index, the rest narrow a time range.
        const traceIndexes: Record<string, string[]> = {
          traces_time: ["project_id", "start_time"],
          traces_prompt: ["project_id", "prompt_name", "prompt_version", "start_time"],
          traces_model: ["project_id", "model", "start_time"],
          traces_user: ["project_id", "user_id", "start_time"],
          traces_status: ["project_id", "status", "start_time"],
        };
        for (const [name, columns] of Object.entries(traceIndexes)) {
          await db.schema.createIndex(name).on("traces").columns(columns).execute();
        }
        await db.schema
          .createTable("trace_scores")
          .addColumn("id", "text", (c) => c.notNull())
          .addColumn("project_id", "text", (c) => c.notNull())
          .addColumn("trace_id", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("value", "double precision", (c) => c.notNull())
          .addColumn("comment", "text")
          .addColumn("source", "text", (c) => c.notNull())
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("trace_scores_pk", ["project_id", "id"])
          .execute();
        await db.schema
          .createIndex("trace_scores_trace")
          .on("trace_scores")
          .columns(["project_id", "trace_id"])
          .execute();
        await db.schema
          .createIndex("trace_scores_time")
          .on("trace_scores")
          .columns(["project_id", "created_at"])
          .execute();
      },
    },
    "0004_sessions": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("sessions")
          .addColumn("token_hash", "text", (c) => c.primaryKey())
          .addColumn("key_hash", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("sessions_expiry")
          .on("sessions")
          .column("expires_at")
          .execute();
      },
    },
    "0005_trace_origin": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        // Every trace stored before playground runs were told apart came from an application.
        await db.schema
          .alterTable("traces")
          .addColumn("origin", "text", (c) => c.notNull().defaultTo("production"))
          .execute();
      },
    },
    ...evaluationMigrations,
    ...rolloutMigrations(engine),
  };
}

/** Brings the schema up to date; safe to run from several instances at once on PostgreSQL. */
export async function migrateToLatest(engine: StorageEngine): Promise<void> {
  const migrator = new Migrator({
    db: engine.db,
    provider: { getMigrations: async () => migrations(engine) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    const where = failed ? ` (migration ${failed.migrationName})` : "";
    throw new Error(`database migration failed${where}: ${(error as Error).message}`);
  }
}
