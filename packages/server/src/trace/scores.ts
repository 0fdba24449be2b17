import {
  NotFound,
  type Principal,
  type Redactor,
  type Score,
  type ScoreInput,
  scoreInputSchema,
  TRACE_ID_PATTERN,
} from "@promptline/core";
import type { z } from "zod";
import { nowIso, type ServiceContext } from "../context.js";
import type { TraceScoreRow } from "../storage/database.js";
import { findTraceRow, insertScores } from "./store.js";

/** A score as stored: booleans (thumbs up/down) become 1/0 and the comment is redacted. */
export function scoreRow(
  redact: Redactor,
  at: { projectId: string; traceId: string; id: string },
  score: z.output<typeof scoreInputSchema>,
  by: { source: TraceScoreRow["source"]; actor: string; createdAt: string },
): TraceScoreRow {
  return {
    ...at,
    name: score.name,
    value: typeof score.value === "boolean" ? (score.value ? 1 : 0) : score.value,
    comment: score.comment === undefined ? null : (redact(score.comment) as string),
    ...by,
  };
}

/** A score as the API shows it: the trace it is of is the one asked about. */
export function presentScore({ projectId, traceId, ...score }: TraceScoreRow): Score {
  return score;
}

export interface TraceScores {
  addScore(principal: Principal, traceId: string, score: ScoreInput): Promise<Score>;
}

/** Scores people and evaluators give traces after the fact (ingested ones come with the trace). */
export function createTraceScores(ctx: ServiceContext, redact: Redactor): TraceScores {
  const { db } = ctx.engine;
  return {
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
      const row = scoreRow(
        redact,
        { projectId: principal.projectId, traceId, id: ctx.newId() },
        score,
        { source: "api", actor: principal.actor, createdAt: nowIso(ctx) },
      );
      await insertScores(db, [row]);
      return presentScore(row);
    },
  };
}
