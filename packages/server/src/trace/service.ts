import type { ServiceContext } from "../context.js";
import type { PriceService } from "../price/service.js";
import { createTraceIngest, type TraceIngest, type TraceIngestOptions } from "./ingest.js";
import { createTraceReadModel, type TraceReadModel } from "./read-model.js";
import { createTraceRetention, type TraceRetention } from "./retention.js";
import { createTraceScores, type TraceScores } from "./scores.js";

export type { TraceSource } from "./rows.js";

export interface TraceServiceOptions extends TraceIngestOptions {
  /** Traces older than this are deleted by `applyRetention`; 0 keeps them forever. */
  retentionDays: number;
}

/** Everything the routes and the server do with traces, from the parts that do each. */
export type TraceService = TraceIngest & TraceReadModel & TraceScores & TraceRetention;

export function createTraceService(
  ctx: ServiceContext,
  prices: PriceService,
  options: TraceServiceOptions,
): TraceService {
  return {
    ...createTraceIngest(ctx, prices, options),
    ...createTraceReadModel(ctx),
    ...createTraceScores(ctx, options.redact),
    ...createTraceRetention(ctx, options.retentionDays),
  };
}
