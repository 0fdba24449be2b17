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
  | "apikey.revoked";

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
