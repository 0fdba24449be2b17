import {
  type AuditEventList,
  type AuditEventListQuery,
  type AuditEventType,
  PROMPT_EVENT_TYPES,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database, EventRow } from "../storage/database.js";

/** The types are listed once, in core, where the audit log's API schema also reads them. */
export type EventType = AuditEventType;

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
      projectId: event.projectId,
      type: event.type,
      subject: event.subject,
      payload: event.payload,
      actor: event.actor,
      createdAt: event.at,
    })
    .execute();
}

/** An event as the log gives it out: the project is the one asked about. */
export type LoggedEvent = Omit<EventRow, "projectId">;

const LOGGED_COLUMNS = ["id", "type", "subject", "payload", "actor", "createdAt"] as const;

/**
 * A project's events of the given types: after `afterId`, oldest first; or with `newestFirst`,
 * the newest `limit` of them.
 */
export async function listEvents(
  db: Kysely<Database>,
  projectId: string,
  types: readonly EventType[],
  page: { afterId?: number; limit: number; newestFirst?: boolean },
): Promise<LoggedEvent[]> {
  return db
    .selectFrom("events")
    .select(LOGGED_COLUMNS)
    .where("projectId", "=", projectId)
    .where("id", ">", page.afterId ?? 0)
    .where("type", "in", types)
    .orderBy("id", page.newestFirst ? "desc" : "asc")
    .limit(page.limit)
    .execute();
}

/**
 * One page of a project's audit log, newest first, as stored. Filters combine: `prompt` means
 * the prompt events whose subject is that name, so a provider of the same name does not match.
 */
export async function listEventsNewestFirst(
  db: Kysely<Database>,
  projectId: string,
  filter: AuditEventListQuery,
): Promise<AuditEventList> {
  let query = db.selectFrom("events").select(LOGGED_COLUMNS).where("projectId", "=", projectId);
  if (filter.type !== undefined) query = query.where("type", "in", filter.type);
  if (filter.prompt !== undefined) {
    query = query.where("subject", "=", filter.prompt).where("type", "in", PROMPT_EVENT_TYPES);
  }
  if (filter.subject !== undefined) query = query.where("subject", "=", filter.subject);
  if (filter.actor !== undefined) query = query.where("actor", "=", filter.actor);
  // Stored times are UTC ISO strings, which order as text; offsets in the query are normalised.
  if (filter.from !== undefined)
    query = query.where("createdAt", ">=", new Date(filter.from).toISOString());
  if (filter.to !== undefined)
    query = query.where("createdAt", "<", new Date(filter.to).toISOString());
  if (filter.before !== undefined) query = query.where("id", "<", filter.before);
  // One row past the page tells whether there is a next one.
  const rows = await query
    .orderBy("id", "desc")
    .limit(filter.limit + 1)
    .execute();
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? last.id : null };
}
