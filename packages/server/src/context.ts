import { randomUUID } from "node:crypto";
import type { StorageEngine } from "./storage/index.js";

/** Time and ids come from here so tests can control them. */
export interface Clock {
  now(): Date;
}

export interface ServiceContext {
  engine: StorageEngine;
  clock: Clock;
  newId: () => string;
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
