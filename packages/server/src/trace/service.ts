import {
  type IngestResult,
  Invalid,
  type MetricsQuery,
  NotFound,
  type ParsedTraceInput,
  type Principal,
  type Redactor,
  type Score,
  type ScoreInput,
  scoreInputSchema,
  TRACE_ID_PATTERN,
  type TraceDetail,
  type TraceListQuery,
  type TraceRejection,
  type TraceSummary,
  traceInputSchema,
  type VersionMetrics,
} from "@promptline/core";
import type { z } from "zod";
import { nowIso, type ServiceContext } from "../context.js";
import { movesBetween } from "../deployment/store.js";
import type { PriceService } from "../price/service.js";
import { findPromptByName } from "../prompt/store.js";
import type { TraceRow, TraceScoreRow } from "../storage/database.js";
import { summarise } from "./metrics.js";
import { TraceRowBuilder, type TraceSource, toScoreRow } from "./rows.js";
import {
  deleteTracesBefore,
  findTraceRow,
  insertScores,
  listScores,
  listTraceRows,
  metricRows,
  metricScoreRows,
  type TraceCursor,
} from "./store.js";

export type { TraceSource } from "./rows.js";

export interface TraceServiceOptions {
  redact: Redactor;
  /** Traces older than this are deleted by `applyRetention`; 0 keeps them forever. */
  retentionDays: number;
  /** Hears how many traces of a batch were stored and refused. */
  onIngest?(source: TraceSource, accepted: number, rejected: number): void;
}

export interface TraceService {
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
  listTraces(
    principal: Principal,
    query: TraceListQuery,
  ): Promise<{ items: TraceSummary[]; nextCursor: string | null }>;
  getTrace(principal: Principal, id: string): Promise<TraceDetail>;
  addScore(principal: Principal, traceId: string, score: ScoreInput): Promise<Score>;
  versionMetrics(principal: Principal, query: MetricsQuery): Promise<VersionMetrics>;
  applyRetention(): Promise<{ traces: number; scores: number }>;
}

const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
}

function toSummary(row: TraceRow): TraceSummary {
  return {
    id: row.id,
    source: row.source as TraceSummary["source"],
    startTime: row.start_time,
    endTime: row.end_time,
    prompt:
      row.prompt_name === null
        ? null
        : { name: row.prompt_name, version: row.prompt_version, label: row.label },
    variant: row.variant,
    provider: row.provider,
    model: row.model,
    usage: {
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      totalTokens: row.total_tokens,
    },
    cost: row.cost,
    latencyMs: row.latency_ms,
    timeToFirstTokenMs: row.ttft_ms,
    status: row.status as TraceSummary["status"],
    error: row.error,
    userId: row.user_id,
    sessionId: row.session_id,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    ingestedAt: row.ingested_at,
  };
}

function toScore(row: TraceScoreRow): Score {
  return {
    id: row.id,
    name: row.name,
    value: row.value,
    comment: row.comment,
    source: row.source as Score["source"],
    actor: row.actor,
    createdAt: row.created_at,
  };
}

const encodeCursor = (c: TraceCursor) =>
  Buffer.from(`${c.startTime}|${c.id}`, "utf8").toString("base64url");

function decodeCursor(text: string): TraceCursor {
  const [startTime, id] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (!startTime || !id || Number.isNaN(Date.parse(startTime))) {
    throw new Invalid(
      "cursor is not one this API gave out: pass nextCursor from the previous page",
    );
  }
  return { startTime, id };
}

const DAY_MS = 86_400_000;
/** The calls one metrics answer is computed from, at most (they are read into memory). */
const MAX_METRIC_CALLS = 1_000_000;

export function createTraceService(
  ctx: ServiceContext,
  prices: PriceService,
  options: TraceServiceOptions,
): TraceService {
  const { db } = ctx.engine;
  const { redact } = options;

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
    const batch = new TraceRowBuilder(projectId, source, table, redact, nowIso(ctx));
    await batch.forEach(items, (item, index) => {
      const trace = parse(item, index);
      if (trace) batch.add(trace);
    });
    if (batch.rows.length === 0) return [];
    await ctx.engine.insertTraces(batch.rows, batch.scores);
    return batch.rows.map((r) => r.id);
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

    async listTraces(principal, query) {
      const { limit, cursor, ...filter } = query;
      const rows = await listTraceRows(
        db,
        principal.projectId,
        filter,
        limit + 1,
        cursor === undefined ? undefined : decodeCursor(cursor),
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toSummary),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ startTime: last.start_time, id: last.id })
            : null,
      };
    },

    async getTrace(principal, id) {
      const row = TRACE_ID_PATTERN.test(id)
        ? await findTraceRow(db, principal.projectId, id)
        : undefined;
      if (!row) throw new NotFound(`no trace with id '${id}' in this project`);
      const scores = await listScores(db, principal.projectId, id);
      return {
        ...toSummary(row),
        input: parseJson(row.input),
        output: parseJson(row.output),
        scores: scores.map(toScore),
      };
    },

    async addScore(principal, traceId, input) {
      const score = scoreInputSchema.parse(input);
      const trace = TRACE_ID_PATTERN.test(traceId)
        ? await findTraceRow(db, principal.projectId, traceId)
        : undefined;
      if (!trace) {
        throw new NotFound(
          `no trace with id '${traceId}' in this project — use the id the gateway returned in X-Promptline-Trace-Id or the one you ingested`,
        );
      }
      const row = toScoreRow(
        redact,
        principal.projectId,
        traceId,
        ctx.newId(),
        score,
        "api",
        principal.actor,
        nowIso(ctx),
      );
      await insertScores(db, [row]);
      return toScore(row);
    },

    async versionMetrics(principal, query) {
      const { bucket, ...filter } = query;
      // In UTC, as stored: a time given with an offset is compared as the same instant.
      const to = new Date(filter.to ?? nowIso(ctx)).toISOString();
      const from = new Date(
        filter.from ?? Date.parse(to) - (bucket === "hour" ? 1 : 30) * DAY_MS,
      ).toISOString();
      const spanDays = (Date.parse(to) - Date.parse(from)) / DAY_MS;
      if (spanDays <= 0) throw new Invalid("'from' must be before 'to'");
      const maxDays = bucket === "hour" ? 31 : 400;
      if (spanDays > maxDays) {
        throw new Invalid(
          `a ${bucket}ly series covers at most ${maxDays} days: narrow 'from'/'to'${bucket === "hour" ? " or use bucket=day" : ""}`,
        );
      }
      const range = { ...filter, from, to };
      const prompt = await findPromptByName(db, principal.projectId, query.prompt);
      const [calls, scores, moves] = await Promise.all([
        metricRows(db, principal.projectId, range, MAX_METRIC_CALLS + 1),
        metricScoreRows(db, principal.projectId, range),
        prompt ? movesBetween(db, prompt.id, from, to) : Promise.resolve([]),
      ]);
      if (calls.length > MAX_METRIC_CALLS) {
        throw new Invalid(
          `more than ${MAX_METRIC_CALLS.toLocaleString("en")} calls match: narrow 'from'/'to', or filter by version or label`,
        );
      }
      return {
        prompt: query.prompt,
        bucket,
        versions: summarise(calls, scores, bucket),
        deployments: moves.map((m) => ({
          environment: m.environment,
          kind: m.kind,
          fromVersion: m.fromVersion,
          toVersion: m.toVersion,
          actor: m.actor,
          at: m.createdAt,
        })),
      };
    },

    async applyRetention() {
      if (options.retentionDays <= 0) return { traces: 0, scores: 0 };
      const cutoff = new Date(ctx.clock.now().getTime() - options.retentionDays * DAY_MS);
      return deleteTracesBefore(db, cutoff.toISOString());
    },
  };
}
