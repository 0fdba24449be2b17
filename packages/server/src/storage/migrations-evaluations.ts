import type { Kysely, Migration } from "kysely";

/**
 * The migrations of datasets, evaluation runs, gates and online evaluation (0006 on), kept apart
 * from the registry's for length. They use no engine-specific helpers.
 */
export const evaluationMigrations: Record<string, Migration> = {
  "0006_evaluations": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("datasets")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("latest_revision", "integer", (c) => c.notNull())
        .addColumn("case_count", "integer", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addUniqueConstraint("datasets_project_name", ["project_id", "name"])
        .execute();
      await db.schema
        .createTable("dataset_revisions")
        .addColumn("dataset_id", "text", (c) => c.notNull().references("datasets.id"))
        .addColumn("revision", "integer", (c) => c.notNull())
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("added", "integer", (c) => c.notNull())
        .addColumn("updated", "integer", (c) => c.notNull())
        .addColumn("removed", "integer", (c) => c.notNull())
        .addColumn("case_count", "integer", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("dataset_revisions_pk", ["dataset_id", "revision"])
        .execute();
      await db.schema
        .createTable("dataset_cases")
        .addColumn("row_id", "text", (c) => c.primaryKey())
        .addColumn("dataset_id", "text", (c) => c.notNull().references("datasets.id"))
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("first_revision", "integer")
        .addColumn("removed_revision", "integer")
        .addColumn("pending_import", "text")
        .addColumn("input", "text", (c) => c.notNull())
        .addColumn("expected", "text")
        .addColumn("tags", "text", (c) => c.notNull())
        .addColumn("metadata", "text", (c) => c.notNull())
        .addColumn("source_kind", "text", (c) => c.notNull())
        .addColumn("source_ref", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .execute();
      const caseIndexes: Record<string, string[]> = {
        dataset_cases_revision: ["dataset_id", "first_revision", "case_id"],
        dataset_cases_case: ["dataset_id", "case_id"],
        dataset_cases_pending: ["pending_import"],
      };
      for (const [name, columns] of Object.entries(caseIndexes)) {
        await db.schema.createIndex(name).on("dataset_cases").columns(columns).execute();
      }
      await db.schema
        .createTable("eval_runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
        .addColumn("prompt_id", "text", (c) => c.notNull().references("prompts.id"))
        .addColumn("prompt_name", "text", (c) => c.notNull())
        .addColumn("dataset_id", "text", (c) => c.notNull().references("datasets.id"))
        .addColumn("dataset_name", "text", (c) => c.notNull())
        .addColumn("dataset_revision", "integer", (c) => c.notNull())
        .addColumn("variants", "text", (c) => c.notNull())
        .addColumn("scorers", "text", (c) => c.notNull())
        .addColumn("environment", "text")
        .addColumn("concurrency", "integer", (c) => c.notNull())
        .addColumn("requests_per_minute", "integer")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("total_items", "integer", (c) => c.notNull())
        .addColumn("done_items", "integer", (c) => c.notNull())
        .addColumn("errored_items", "integer", (c) => c.notNull())
        .addColumn("error", "text")
        .addColumn("summary", "text")
        .addColumn("lease_owner", "text")
        .addColumn("lease_expires_at", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("started_at", "text")
        .addColumn("finished_at", "text")
        .execute();
      const runIndexes: Record<string, string[]> = {
        eval_runs_time: ["project_id", "created_at"],
        eval_runs_prompt: ["project_id", "prompt_name", "created_at"],
        eval_runs_status: ["status", "lease_expires_at"],
      };
      for (const [name, columns] of Object.entries(runIndexes)) {
        await db.schema.createIndex(name).on("eval_runs").columns(columns).execute();
      }
      await db.schema
        .createTable("eval_results")
        .addColumn("run_id", "text", (c) => c.notNull().references("eval_runs.id"))
        .addColumn("variant", "integer", (c) => c.notNull())
        .addColumn("case_row_id", "text", (c) => c.notNull())
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("output", "text")
        .addColumn("scores", "text", (c) => c.notNull())
        .addColumn("latency_ms", "double precision")
        .addColumn("input_tokens", "integer")
        .addColumn("output_tokens", "integer")
        .addColumn("cost", "double precision")
        .addColumn("error", "text")
        .addColumn("trace_id", "text")
        .addColumn("finished_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("eval_results_pk", ["run_id", "variant", "case_row_id"])
        .execute();
      await db.schema
        .createTable("gate_policies")
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("policy", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("updated_by", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("gate_policies_pk", ["project_id", "environment"])
        .execute();
      await db.schema
        .createTable("online_eval_rules")
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
        .addColumn("prompt_name", "text", (c) => c.notNull())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("rate", "double precision", (c) => c.notNull())
        .addColumn("scorers", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("updated_by", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("online_eval_rules_pk", [
          "project_id",
          "prompt_name",
          "environment",
        ])
        .execute();
      // A deploy that an admin let through a failing gate keeps the reason beside the move.
      await db.schema.alterTable("deployments").addColumn("gate_override", "text").execute();
    },
  },
  "0007_datasets": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
    async up(db: Kysely<any>) {
      // A revision's cases are read a page at a time in case-id order: PostgreSQL took this
      // index (revision first) and sorted every case of the dataset for each page. Without
      // it, pages walk dataset_cases_case in order and stop after one page.
      await db.schema.dropIndex("dataset_cases_revision").execute();
    },
  },
  "0008_eval_results_by_case": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
    async up(db: Kysely<any>) {
      // Submitted scores and the results page find a run's results by case.
      await db.schema
        .createIndex("eval_results_case")
        .on("eval_results")
        .columns(["run_id", "case_id"])
        .execute();
    },
  },
  "0009_custom_scorers": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
    async up(db: Kysely<any>) {
      // The names of the scores submitted by custom scorers: a run may have only so many.
      await db.schema
        .alterTable("eval_runs")
        .addColumn("custom_scorers", "text", (c) => c.notNull().defaultTo("[]"))
        .execute();
    },
  },
};
