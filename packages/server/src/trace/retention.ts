import type { ServiceContext } from "../context.js";
import { deleteTracesBefore } from "./store.js";

const DAY_MS = 86_400_000;

export interface TraceRetention {
  /** Deletes traces (and scores) older than the retention period; 0 days keeps them forever. */
  applyRetention(): Promise<{ traces: number; scores: number }>;
}

export function createTraceRetention(ctx: ServiceContext, retentionDays: number): TraceRetention {
  return {
    async applyRetention() {
      if (retentionDays <= 0) return { traces: 0, scores: 0 };
      const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS);
      return deleteTracesBefore(ctx.engine.db, cutoff.toISOString());
    },
  };
}
