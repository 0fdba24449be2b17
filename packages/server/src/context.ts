import { randomUUID } from "node:crypto";
import type { Transaction } from "kysely";
import type { RecordEvent } from "./event/write.js";
import type { Database, StorageEngine } from "./storage/index.js";

/** Time and ids come from here so tests can control them. */
export interface Clock {
  now(): Date;
}

export interface ServiceContext {
  engine: StorageEngine;
  clock: Clock;
  newId: () => string;
  /** Set by `writeTogether`: every write joins this transaction instead of starting its own. */
  enclosing?: { trx: Transaction<Database>; record: RecordEvent };
}

export const systemClock: Clock = { now: () => new Date() };

export function createContext(
  engine: StorageEngine,
  overrides: Partial<ServiceContext> = {},
): ServiceContext {
  return { engine, clock: systemClock, newId: randomUUID, ...overrides };
}

export function nowIso(ctx: ServiceContext): string {
  return ctx.clock.now().toISOString();
}
