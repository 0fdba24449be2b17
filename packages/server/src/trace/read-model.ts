import {
  Invalid,
  type MetricsQuery,
  NotFound,
  type Principal,
  TRACE_ID_PATTERN,
  type TraceDetail,
  type TraceListQuery,
  type TraceSummary,
  type VersionMetrics,
} from "@promptline/core";
import { nowIso, type ServiceContext } from "../context.js";
import { movesBetween } from "../deployment/store.js";
import { findPromptByName } from "../prompt/store.js";
import { summarise } from "./metrics.js";
import { presentScore } from "./scores.js";
import {
  findTraceRow,
  listScores,
  listTraceRows,
  metricRows,
  metricScoreRows,
  type TraceCursor,
  type TraceSummaryRow,
} from "./store.js";

export interface TraceReadModel {
  listTraces(
    principal: Principal,
    query: TraceListQuery,
  ): Promise<{ items: TraceSummary[]; nextCursor: string | null }>;
  getTrace(principal: Principal, id: string): Promise<TraceDetail>;
  versionMetrics(principal: Principal, query: MetricsQuery): Promise<VersionMetrics>;
}

const DAY_MS = 86_400_000;
/** The calls one metrics answer is computed from, at most (they are read into memory). */
const MAX_METRIC_CALLS = 1_000_000;

/** A trace as lists show it: the prompt, usage and timings grouped as the API names them. */
function presentTrace(row: TraceSummaryRow): TraceSummary {
  return {
    id: row.id,
    source: row.source,
    startTime: row.startTime,
    endTime: row.endTime,
    prompt:
      row.promptName === null
        ? null
        : { name: row.promptName, version: row.promptVersion, label: row.label },
    variant: row.variant,
    provider: row.provider,
    model: row.model,
    usage: {
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      totalTokens: row.totalTokens,
    },
    cost: row.cost,
    latencyMs: row.latencyMs,
    timeToFirstTokenMs: row.ttftMs,
    status: row.status,
    origin: row.origin,
    error: row.error,
    userId: row.userId,
    sessionId: row.sessionId,
    metadata: row.metadata,
    ingestedAt: row.ingestedAt,
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

/** What the screens read of traces: pages of them, one in full, and the per-version dashboard. */
export function createTraceReadModel(ctx: ServiceContext): TraceReadModel {
  const { db } = ctx.engine;
  return {
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
        items: page.map(presentTrace),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ startTime: last.startTime, id: last.id })
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
        ...presentTrace(row),
        input: row.input,
        output: row.output,
        scores: scores.map(presentScore),
      };
    },

    async versionMetrics(principal, query) {
      const { bucket, groupBy = "version", ...filter } = query;
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
      // Dashboards count applications' calls unless asked for playground runs too.
      const range = { ...filter, origin: filter.origin ?? "production", from, to };
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
        groupBy,
        versions: summarise(calls, scores, bucket, groupBy === "variant"),
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
  };
}
