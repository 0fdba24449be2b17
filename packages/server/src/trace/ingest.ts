import {
  type IngestResult,
  type ParsedTraceInput,
  type Redactor,
  type TraceRejection,
  traceInputSchema,
} from "@promptline/core";
import type { z } from "zod";
import { nowIso, type ServiceContext } from "../context.js";
import type { PriceService } from "../price/service.js";
import { TraceRowBuilder, type TraceSource } from "./rows.js";

/** What a listener learns of each stored trace of a prompt: enough to pick some to evaluate. */
export interface StoredPromptTrace {
  id: string;
  promptName: string;
  promptVersion: number | null;
  label: string | null;
  origin: ParsedTraceInput["origin"];
  status: ParsedTraceInput["status"];
}

export interface TraceIngestOptions {
  redact: Redactor;
  /** Hears how many traces of a batch were stored and refused. */
  onIngest?(source: TraceSource, accepted: number, rejected: number): void;
  /**
   * Hears, once committed, of the stored traces that name a prompt. Called on the write's path:
   * it must return at once and never throw.
   */
  onStored?(projectId: string, traces: StoredPromptTrace[]): void;
}

export interface TraceIngest {
  /**
   * Validates each item on its own, stores the valid ones in one transaction and answers once
   * they are committed: what is acknowledged is durable. Invalid items are reported, not stored.
   */
  ingest(projectId: string, items: readonly unknown[], source: TraceSource): Promise<IngestResult>;
  /**
   * Stores the gateway's own records of its calls: built by promptline from checked input, so
   * they skip validation.
   */
  recordCalls(projectId: string, calls: readonly ParsedTraceInput[]): Promise<void>;
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
}

/** Traces in: costed with the project's prices, redacted, and appended in bulk. */
export function createTraceIngest(
  ctx: ServiceContext,
  prices: PriceService,
  options: TraceIngestOptions,
): TraceIngest {
  /**
   * Stores traces (and their scores) in one transaction; returns their ids. `parse` gives each
   * item's trace, or nothing for one it refuses.
   */
  async function store<T>(
    projectId: string,
    items: readonly T[],
    source: TraceSource,
    parse: (item: T, index: number) => ParsedTraceInput | undefined,
  ): Promise<string[]> {
    if (items.length === 0) return [];
    const table = await prices.tableFor(projectId);
    const rows = new TraceRowBuilder(projectId, source, table, options.redact, nowIso(ctx));
    const ofPrompts: StoredPromptTrace[] = [];
    await rows.forEach(items, (item, index) => {
      const trace = parse(item, index);
      if (!trace) return;
      rows.add(trace);
      if (trace.prompt && options.onStored) {
        const { name, version, label } = trace.prompt;
        ofPrompts.push({
          id: rows.ids[rows.ids.length - 1] as string,
          promptName: name,
          promptVersion: version ?? null,
          label: label ?? null,
          origin: trace.origin,
          status: trace.status,
        });
      }
    });
    if (rows.ids.length === 0) return [];
    await ctx.engine.insertTraces(rows.batch);
    if (ofPrompts.length > 0) options.onStored?.(projectId, ofPrompts);
    return rows.ids;
  }

  return {
    async ingest(projectId, items, source) {
      const rejected: TraceRejection[] = [];
      const ids = await store(projectId, items, source, (item, index) => {
        const parsed = traceInputSchema.safeParse(item);
        if (parsed.success) return parsed.data;
        const id = (item as { id?: unknown } | null)?.id;
        rejected.push({
          index,
          ...(typeof id === "string" && { id }),
          reasons: issuesOf(parsed.error),
        });
        return undefined;
      });
      options.onIngest?.(source, ids.length, rejected.length);
      return { accepted: ids.length, ids, rejected };
    },

    async recordCalls(projectId, calls) {
      const ids = await store(projectId, calls, "gateway", (call) => call);
      options.onIngest?.("gateway", ids.length, 0);
    },
  };
}
