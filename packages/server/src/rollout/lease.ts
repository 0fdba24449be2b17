/**
 * Named leases: one instance at a time does a job (the guardrail monitor's looks) while several
 * share one PostgreSQL database. Taking and renewing a lease are the same single statement — an
 * insert that, on a name already held, updates the row only where the lease has expired or is
 * the caller's own — so two instances racing for it cannot both win, on either engine.
 * Expiry times come from each instance's clock (compared as ISO-8601 text, which sorts as
 * time): instances sharing a database need clocks that agree to well within the lease's length.
 */
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";

export interface LeaseClaim {
  name: string;
  owner: string;
  now: Date;
  /** How long the lease holds without another claim. */
  durationMs: number;
}

/**
 * Takes the lease for `owner`, or extends it if `owner` holds it already; true when `owner`
 * holds it afterwards. Another owner's lease that has not expired is left alone.
 */
export async function claimLease(db: Kysely<Database>, claim: LeaseClaim): Promise<boolean> {
  const now = claim.now.toISOString();
  const expiresAt = new Date(claim.now.getTime() + claim.durationMs).toISOString();
  const taken = await db
    .insertInto("leases")
    .values({ name: claim.name, owner: claim.owner, expiresAt })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ owner: claim.owner, expiresAt })
        .where((eb) =>
          eb.or([eb("leases.owner", "=", claim.owner), eb("leases.expiresAt", "<=", now)]),
        ),
    )
    .returning("owner")
    .executeTakeFirst();
  return taken?.owner === claim.owner;
}

/** Lets go of the lease if `owner` holds it, so another instance takes it at its next try. */
export async function releaseLease(
  db: Kysely<Database>,
  name: string,
  owner: string,
): Promise<void> {
  await db.deleteFrom("leases").where("name", "=", name).where("owner", "=", owner).execute();
}
