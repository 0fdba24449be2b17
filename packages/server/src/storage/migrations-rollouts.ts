import { type Kysely, type Migration, sql } from "kysely";
import type { StorageEngine } from "./engine.js";

/** The migrations of progressive rollouts (0010 on), kept apart from the others for length. */
export function rolloutMigrations(engine: StorageEngine): Record<string, Migration> {
  return {
    "0010_rollouts": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("rollouts")
          .addColumn("id", "integer", (c) => engine.identity(c))
          .addColumn("project_id", "text", (c) => c.notNull().references("projects.id"))
          .addColumn("prompt_id", "text", (c) => c.notNull().references("prompts.id"))
          .addColumn("prompt_name", "text", (c) => c.notNull())
          .addColumn("environment", "text", (c) => c.notNull())
          .addColumn("strategy", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("control", "integer", (c) => c.notNull())
          .addColumn("candidates", "text", (c) => c.notNull())
          .addColumn("unit", "text", (c) => c.notNull())
          .addColumn("salt", "text", (c) => c.notNull())
          .addColumn("split", "text", (c) => c.notNull())
          .addColumn("rules", "text", (c) => c.notNull())
          .addColumn("canary", "text")
          .addColumn("guardrails", "text", (c) => c.notNull())
          .addColumn("on_breach", "text", (c) => c.notNull())
          .addColumn("min_samples", "integer", (c) => c.notNull())
          .addColumn("revision", "integer", (c) => c.notNull())
          .addColumn("reason", "text")
          .addColumn("started_by", "text", (c) => c.notNull())
          .addColumn("started_at", "text", (c) => c.notNull())
          .addColumn("updated_at", "text", (c) => c.notNull())
          .addColumn("ended_at", "text")
          .addColumn("ended_by", "text")
          .addColumn("end_reason", "text")
          // Set while the rollout runs (or is paused), null once ended: at most one per label.
          .addColumn("active_key", "text", (c) => c.unique())
          .execute();
        await db.schema
          .createIndex("rollouts_prompt")
          .on("rollouts")
          .columns(["prompt_id", "environment", "id"])
          .execute();
        await db.schema
          .createIndex("rollouts_project")
          .on("rollouts")
          .columns(["project_id", "status"])
          .execute();
        await db.schema
          .createTable("rollout_decisions")
          .addColumn("id", "integer", (c) => engine.identity(c))
          .addColumn("rollout_id", "integer", (c) => c.notNull().references("rollouts.id"))
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("automatic", "integer", (c) => c.notNull())
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("reason", "text", (c) => c.notNull())
          .addColumn("from_step", "integer")
          .addColumn("to_step", "integer")
          .addColumn("checks", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("rollout_decisions_rollout")
          .on("rollout_decisions")
          .columns(["rollout_id", "id"])
          .execute();
        // The monitor's looks, at most one a minute per rollout: the charts' series.
        await db.schema
          .createTable("rollout_checks")
          .addColumn("id", "integer", (c) => engine.identity(c))
          .addColumn("rollout_id", "integer", (c) => c.notNull().references("rollouts.id"))
          .addColumn("checks", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("rollout_checks_rollout")
          .on("rollout_checks")
          .columns(["rollout_id", "id"])
          .execute();
        // Named leases: one instance at a time holds each (the guardrail monitor's).
        await db.schema
          .createTable("leases")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("owner", "text", (c) => c.notNull())
          .addColumn("expires_at", "text", (c) => c.notNull())
          .execute();
        // A promote, an abort or a rollback of a rollout is a move of its label.
        await db.schema.alterTable("deployments").addColumn("rollout_id", "integer").execute();
      },
    },
    "0011_traces_rollout_arms": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
      async up(db: Kysely<any>) {
        // The guardrail monitor reads each arm of a rollout every few seconds: a range of this
        // index holds all it needs, so no trace row (with its payloads) is read. Only calls
        // served by a rollout (those with a variant) are in it.
        await db.schema
          .createIndex("traces_rollout_arms")
          .on("traces")
          .columns([
            "project_id",
            "prompt_name",
            "label",
            "variant",
            "prompt_version",
            "start_time",
            "origin",
            "status",
            "latency_ms",
            "cost",
          ])
          .where(sql.ref("variant"), "is not", null)
          .execute();
      },
    },
  };
}
