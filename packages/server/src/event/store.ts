import type { Kysely } from "kysely";
import type { Database } from "../storage/index.js";

export type EventType =
  | "project.created"
  | "prompt.created"
  | "prompt.updated"
  | "draft.saved"
  | "version.published"
  | "label.deployed"
  | "label.rolled_back"
  | "environment.created"
  | "apikey.created"
  | "apikey.revoked"
  | "provider.created"
  | "provider.updated"
  | "provider.deleted"
  | "price.set"
  | "price.removed";

export interface NewEvent {
  projectId: string;
  type: EventType;
  subject: string;
  payload: Record<string, unknown>;
  actor: string;
  at: string;
}

/** Appends to the audit log, inside the caller's transaction so the record and the change agree. */
export async function appendEvent(db: Kysely<Database>, event: NewEvent): Promise<void> {
  await db
    .insertInto("events")
    .values({
      project_id: event.projectId,
      type: event.type,
      subject: event.subject,
      payload: JSON.stringify(event.payload),
      actor: event.actor,
      created_at: event.at,
    })
    .execute();
}

export interface EventRecord {
  id: number;
  type: EventType;
  subject: string;
  payload: Record<string, unknown>;
  actor: string;
  createdAt: string;
}

/** A project's events after `afterId`, of the given types, oldest first. */
export async function listEventsAfter(
  db: Kysely<Database>,
  projectId: string,
  afterId: number,
  types: readonly EventType[],
  limit: number,
): Promise<EventRecord[]> {
  const rows = await db
    .selectFrom("events")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("id", ">", afterId)
    .where("type", "in", types)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    type: row.type as EventType,
    subject: row.subject,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    actor: row.actor,
    createdAt: row.created_at,
  }));
}

/**
 * The newest id among a project's events of the given types (0 when it has none). A reader that
 * filters by type must compare with this, not with the newest event of any type: events it never
 * reads would otherwise look like news forever.
 */
export async function latestEventId(
  db: Kysely<Database>,
  projectId: string,
  types: readonly EventType[],
): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("project_id", "=", projectId)
    .where("type", "in", types)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}
