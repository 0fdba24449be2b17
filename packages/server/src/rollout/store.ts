import type { GuardrailCheck, RolloutAction } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";
import type {
  NewRollout,
  RolloutCheckRow,
  RolloutDecisionRow,
  RolloutRow,
} from "../storage/rollout-tables.js";

/** The key that allows one active rollout per label: set while running or paused. */
export const activeKeyOf = (promptId: string, environment: string) => `${promptId}/${environment}`;

export async function insertRollout(db: Kysely<Database>, row: NewRollout): Promise<RolloutRow> {
  return db.insertInto("rollouts").values(row).returningAll().executeTakeFirstOrThrow();
}

/** The rollout running (or paused) on a label, if any. */
export async function findActiveRollout(
  db: Kysely<Database>,
  promptId: string,
  environment: string,
): Promise<RolloutRow | undefined> {
  return db
    .selectFrom("rollouts")
    .selectAll()
    .where("activeKey", "=", activeKeyOf(promptId, environment))
    .executeTakeFirst();
}

export async function findRollout(
  db: Kysely<Database>,
  projectId: string,
  id: number,
): Promise<RolloutRow | undefined> {
  return db
    .selectFrom("rollouts")
    .selectAll()
    .where("projectId", "=", projectId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The ids of every project's running and paused rollouts, in order. */
export async function listActiveIds(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom("rollouts")
    .select("id")
    .where("activeKey", "is not", null)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Rollouts by id, in id order. */
export async function findRolloutsByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<RolloutRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("rollouts").selectAll().where("id", "in", ids).orderBy("id").execute();
}

export interface RolloutFilter {
  projectId?: string | undefined;
  promptId?: string | undefined;
  environment?: string | undefined;
  active?: boolean | undefined;
  limit: number;
}

/** Rollouts, newest first. */
export async function listRollouts(
  db: Kysely<Database>,
  filter: RolloutFilter,
): Promise<RolloutRow[]> {
  let query = db.selectFrom("rollouts").selectAll();
  if (filter.projectId !== undefined) query = query.where("projectId", "=", filter.projectId);
  if (filter.promptId !== undefined) query = query.where("promptId", "=", filter.promptId);
  if (filter.environment !== undefined) {
    query = query.where("environment", "=", filter.environment);
  }
  if (filter.active !== undefined) {
    query = query.where("activeKey", filter.active ? "is not" : "is", null);
  }
  return query.orderBy("id", "desc").limit(filter.limit).execute();
}

/**
 * Applies a change to an active rollout only if it is still at the revision its writer saw, and
 * counts one more revision; undefined when it changed or ended meanwhile.
 */
export async function updateRollout(
  db: Kysely<Database>,
  id: number,
  seenRevision: number,
  patch: Partial<Omit<RolloutRow, "id" | "revision">>,
): Promise<RolloutRow | undefined> {
  return db
    .updateTable("rollouts")
    .set({ ...patch, revision: seenRevision + 1 })
    .where("id", "=", id)
    .where("revision", "=", seenRevision)
    .where("activeKey", "is not", null)
    .returningAll()
    .executeTakeFirst();
}

export interface NewDecision {
  rolloutId: number;
  action: RolloutAction;
  automatic: boolean;
  actor: string;
  reason: string;
  fromStep: number | null;
  toStep: number | null;
  checks: GuardrailCheck[];
  createdAt: string;
}

export async function insertDecision(
  db: Kysely<Database>,
  decision: NewDecision,
): Promise<RolloutDecisionRow> {
  return db
    .insertInto("rolloutDecisions")
    .values(decision)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A rollout's decisions, oldest first (at most `limit`, the latest ones). */
export async function listDecisions(
  db: Kysely<Database>,
  rolloutId: number,
  limit: number,
): Promise<RolloutDecisionRow[]> {
  const rows = await db
    .selectFrom("rolloutDecisions")
    .selectAll()
    .where("rolloutId", "=", rolloutId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.reverse();
}

export async function insertChecks(
  db: Kysely<Database>,
  rolloutId: number,
  checks: GuardrailCheck[],
  createdAt: string,
): Promise<void> {
  await db.insertInto("rolloutChecks").values({ rolloutId, checks, createdAt }).execute();
}

/** The monitor's looks at a rollout, oldest first (at most `limit`, the latest ones). */
export async function listChecks(
  db: Kysely<Database>,
  rolloutId: number,
  limit: number,
): Promise<RolloutCheckRow[]> {
  const rows = await db
    .selectFrom("rolloutChecks")
    .selectAll()
    .where("rolloutId", "=", rolloutId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.reverse();
}

export interface VariantTraffic {
  version: number;
  variant: "control" | "candidate";
  calls: number;
  errors: number;
}

/** Production calls of the rollout's versions on its label since it started, per variant. */
export async function trafficOf(
  db: Kysely<Database>,
  rollout: RolloutRow,
): Promise<VariantTraffic[]> {
  const rows = await db
    .selectFrom("traces")
    .select((eb) => [
      "promptVersion",
      "variant",
      eb.fn.countAll<number | string>().as("calls"),
      eb.fn
        .sum<number | string | null>(eb.case().when("status", "=", "error").then(1).else(0).end())
        .as("errors"),
    ])
    .where("projectId", "=", rollout.projectId)
    .where("promptName", "=", rollout.promptName)
    .where("promptVersion", "in", [rollout.control, ...rollout.candidates])
    .where("label", "=", rollout.environment)
    .where("origin", "=", "production")
    .where("variant", "in", ["control", "candidate"])
    .where("startTime", ">=", rollout.startedAt)
    .$if(rollout.endedAt !== null, (q) => q.where("startTime", "<=", rollout.endedAt as string))
    .groupBy(["promptVersion", "variant"])
    .execute();
  return rows
    .filter((r) => r.promptVersion !== null)
    .map((r) => ({
      version: r.promptVersion as number,
      variant: r.variant as "control" | "candidate",
      calls: Number(r.calls),
      errors: Number(r.errors ?? 0),
    }));
}
