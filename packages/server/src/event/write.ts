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
  rollout: "prompt",
  apikey: "apikey",
  environment: "environment",
  project: "project",
  provider: "provider",
  price: "price",
  online_eval: "online_eval",
};

function changeOf(event: NewEvent): Change {
  const kind = CHANGE_KINDS[event.type.split(".")[0] as string] ?? "project";
  return { projectId: event.projectId, kind, subject: event.subject };
}

/**
 * Runs a write in one transaction (inside `writeTogether`, as one step of that one). What it
 * records goes to the append-only audit log in that transaction and, once committed, is announced
 * to every instance as a change: the events are the one source of "what changed".
 */
export async function writeWithEvents<T>(
  ctx: ServiceContext,
  work: (trx: Transaction<Database>, record: RecordEvent) => Promise<T>,
): Promise<T> {
  if (ctx.enclosing) return work(ctx.enclosing.trx, ctx.enclosing.record);
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

/**
 * Runs several service writes as one: `work` gets a context whose reads and writes all go through
 * one transaction, so services built on it commit together or not at all. Inside `work`, use only
 * services built on that context: on SQLite, a query through any other waits for the transaction
 * to end, which it never does. A failed step aborts the transaction on PostgreSQL, so nothing
 * inside may catch a storage error and carry on.
 */
export async function writeTogether<T>(
  ctx: ServiceContext,
  work: (bound: ServiceContext) => Promise<T>,
): Promise<T> {
  return writeWithEvents(ctx, (trx, record) =>
    work({ ...ctx, engine: { ...ctx.engine, db: trx }, enclosing: { trx, record } }),
  );
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
