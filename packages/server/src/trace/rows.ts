import {
  type ParsedTraceInput,
  type PriceTable,
  type Redactor,
  type scoreInputSchema,
  timeOrderedId,
} from "@promptline/core";
import type { z } from "zod";

/** Lets every other ready request run before going on. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

import type { NewTrace, TraceScoreRow } from "../storage/database.js";

export type TraceSource = "gateway" | "api" | "otlp";

/** JSON text of a value; one nested too deeply to serialise is stored as a note saying so. */
function json(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value);
  } catch (error) {
    return JSON.stringify(`[not stored: ${(error as Error).message}]`);
  }
}

/** PostgreSQL text cannot hold NUL; JSON text escapes it, plain columns drop it. */
function text<T extends string | null | undefined>(value: T): T {
  return (
    typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "") : value
  ) as T;
}

export function toScoreRow(
  redact: Redactor,
  projectId: string,
  traceId: string,
  id: string,
  score: z.output<typeof scoreInputSchema>,
  source: "api" | "ingest",
  actor: string,
  at: string,
): TraceScoreRow {
  return {
    id,
    project_id: projectId,
    trace_id: traceId,
    name: text(score.name),
    value: typeof score.value === "boolean" ? (score.value ? 1 : 0) : score.value,
    comment: score.comment === undefined ? null : text(redact(score.comment) as string),
    source,
    actor,
    created_at: at,
  };
}

/**
 * A batch is worked on in slices of at most this many traces and about this long; between them
 * other requests (`/healthz` among them) get a turn. The count gives them turns at a steady rate
 * however fast the machine; the time bounds a slice of a few very large traces.
 */
const SLICE_TRACES = 250;
const SLICE_MS = 10;

/**
 * The rows of one batch, built a slice of work at a time: a batch of thousands of traces (redacted
 * and serialised) would otherwise hold the event loop for hundreds of milliseconds.
 */
export class TraceRowBuilder {
  readonly rows: NewTrace[] = [];
  readonly scores: TraceScoreRow[] = [];

  constructor(
    private readonly projectId: string,
    private readonly source: TraceSource,
    private readonly table: PriceTable,
    private readonly redact: Redactor,
    private readonly ingestedAt: string,
  ) {}

  /** Calls `each` on every item (it may `add` traces), letting other requests in between slices. */
  async forEach<T>(items: readonly T[], each: (item: T, index: number) => void): Promise<void> {
    let sliceStart = 0;
    for (let index = 0; index < items.length; index++) {
      // The first slice too: the batch was just parsed, in the same turn.
      if (index % SLICE_TRACES === 0 || performance.now() - sliceStart >= SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      each(items[index] as T, index);
    }
  }

  add(t: ParsedTraceInput): void {
    const { projectId, redact, ingestedAt: at } = this;
    const start = new Date(t.startTime);
    const end = t.endTime === undefined ? undefined : new Date(t.endTime);
    const latency = t.latencyMs ?? (end ? end.getTime() - start.getTime() : undefined);
    const usage = t.usage;
    const total =
      usage?.totalTokens ??
      (usage?.inputTokens !== undefined && usage.outputTokens !== undefined
        ? usage.inputTokens + usage.outputTokens
        : undefined);
    const id = text(t.id) ?? timeOrderedId(start.getTime());
    this.rows.push({
      project_id: projectId,
      id,
      source: this.source,
      start_time: start.toISOString(),
      end_time: end ? end.toISOString() : null,
      prompt_name: text(t.prompt?.name ?? null),
      prompt_version: t.prompt?.version ?? null,
      label: text(t.prompt?.label ?? null),
      variant: text(t.variant ?? null),
      provider: text(t.provider ?? null),
      model: text(t.model ?? null),
      input: json(redact(t.input)),
      output: json(redact(t.output)),
      input_tokens: usage?.inputTokens ?? null,
      output_tokens: usage?.outputTokens ?? null,
      total_tokens: total ?? null,
      cost: t.cost ?? this.table.costOf(t.model, usage) ?? null,
      latency_ms: latency ?? null,
      ttft_ms: t.timeToFirstTokenMs ?? null,
      status: t.status,
      error: t.error === undefined ? null : text(redact(t.error) as string),
      user_id: text(t.userId ?? null),
      session_id: text(t.sessionId ?? null),
      metadata: json(redact(t.metadata ?? {})) ?? "{}",
      ingested_at: at,
    });
    t.scores?.forEach((score, n) => {
      // A retried batch carries the same scores: their ids repeat, so they are stored once.
      this.scores.push(
        toScoreRow(redact, projectId, id, `${id}:${n}`, score, "ingest", this.source, at),
      );
    });
  }
}
