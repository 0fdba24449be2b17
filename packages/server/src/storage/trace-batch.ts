import type { NewTrace, TraceScoreRow } from "./database.js";
import { storedRow } from "./stored-values.js";
import { SCORE_COLUMNS, TRACE_COLUMNS } from "./trace-columns.js";

/**
 * Traces and their scores in their stored form, ready for one bulk insert. Each row is converted
 * (its JSON serialised, the NUL policy applied) as it is added, so a caller building a large batch
 * can spread that work over turns of the event loop.
 */
export class StoredTraceBatch {
  readonly traces: unknown[][] = [];
  readonly scores: unknown[][] = [];

  addTrace(row: NewTrace): void {
    this.traces.push(storedRow("traces", TRACE_COLUMNS, row));
  }

  addScore(row: TraceScoreRow): void {
    this.scores.push(storedRow("traceScores", SCORE_COLUMNS, row));
  }
}
