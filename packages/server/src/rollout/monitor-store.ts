/** What the guardrail monitor reads back of its own earlier looks (rollout_checks). */
import type { GuardrailCheck } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";

/** The rollout's latest stored look, if any: when, and the guardrails' figures then. */
export async function latestChecks(
  db: Kysely<Database>,
  rolloutId: number,
): Promise<{ createdAt: string; checks: GuardrailCheck[] } | undefined> {
  return db
    .selectFrom("rolloutChecks")
    .select(["createdAt", "checks"])
    .where("rolloutId", "=", rolloutId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}
