import { Conflict } from "@promptline/core";
import type { Transaction } from "kysely";
import { nowIso, type ServiceContext } from "../context.js";
import type { Change, Database } from "../storage/index.js";
import { appendEvent, type NewEvent } from "./store.js";

export type EventInput = Omit<NewEvent, "at"> & { at?: string };
export type RecordEvent = (event: EventInput) => Promise<void>;

const CHANGE_KINDS: Record<string, Change["kind"]> = {
  prompt: "prompt",
  draft: "prompt",
  version: "prompt",
  label: "prompt",
  apikey: "apikey",
  environment: "environment",
  project: "project",
  provider: "provider",
  price: "price",
};

function changeOf(event: NewEvent): Change {
  const kind = CHANGE_KINDS[event.type.split(".")[0] as string] ?? "project";
  return { projectId: event.projectId, kind, subject: event.subject };
}

/**
 * Runs a write in one transaction. What it records goes to the append-only audit log in that
 * transaction and, once committed, is announced to every instance as a change: the events are
 * the one source of "what changed".
 */
export async function writeWithEvents<T>(
  ctx: ServiceContext,
  work: (trx: Transaction<Database>, record: RecordEvent) => Promise<T>,
): Promise<T> {
  const changes = new Map<string, Change>();
  const locked = new Set<string>();
  const result = await ctx.engine.db.transaction().execute((trx) =>
    work(trx, async (input) => {
      if (!locked.has(input.projectId)) {
        await ctx.engine.lockEventLog(trx, input.projectId);
        locked.add(input.projectId);
      }
      const event = { ...input, at: input.at ?? nowIso(ctx) };
      await appendEvent(trx, event);
      const change = changeOf(event);
      changes.set(`${change.projectId}\u0000${change.kind}\u0000${change.subject}`, change);
    }),
  );
  for (const change of changes.values()) await ctx.engine.publishChange(change);
  return result;
}

/** Inserts something new with its creation event; a duplicate (a unique key taken) is a Conflict. */
export async function createWithEvent(
  ctx: ServiceContext,
  insert: (trx: Transaction<Database>) => Promise<void>,
  event: EventInput,
  duplicateMessage: string,
): Promise<void> {
  try {
    await writeWithEvents(ctx, async (trx, record) => {
      await insert(trx);
      await record(event);
    });
  } catch (error) {
    if (ctx.engine.isUniqueViolation(error)) throw new Conflict(duplicateMessage);
    throw error;
  }
}
