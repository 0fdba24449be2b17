import {
  type ParsedTraceInput,
  type PriceTable,
  type Redactor,
  timeOrderedId,
} from "@promptline/core";
import type { NewTrace } from "../storage/database.js";
import { StoredTraceBatch } from "../storage/trace-batch.js";
import { scoreRow } from "./scores.js";

/** Lets every other ready request run before going on. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type TraceSource = NewTrace["source"];

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
  /** The rows in their stored form: converting them is most of the work that is sliced. */
  readonly batch = new StoredTraceBatch();
  readonly ids: string[] = [];

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
    const id = t.id ?? timeOrderedId(start.getTime());
    this.ids.push(id);
    this.batch.addTrace({
      projectId,
      id,
      source: this.source,
      startTime: start.toISOString(),
      endTime: end ? end.toISOString() : null,
      promptName: t.prompt?.name ?? null,
      promptVersion: t.prompt?.version ?? null,
      label: t.prompt?.label ?? null,
      variant: t.variant ?? null,
      provider: t.provider ?? null,
      model: t.model ?? null,
      input: t.input === undefined ? null : redact(t.input),
      output: t.output === undefined ? null : redact(t.output),
      inputTokens: usage?.inputTokens ?? null,
      outputTokens: usage?.outputTokens ?? null,
      totalTokens: total ?? null,
      cost: t.cost ?? this.table.costOf(t.model, usage) ?? null,
      latencyMs: latency ?? null,
      ttftMs: t.timeToFirstTokenMs ?? null,
      status: t.status,
      origin: t.origin,
      error: t.error === undefined ? null : (redact(t.error) as string),
      userId: t.userId ?? null,
      sessionId: t.sessionId ?? null,
      metadata: redact(t.metadata ?? {}) as Record<string, unknown>,
      ingestedAt: at,
    });
    t.scores?.forEach((score, n) => {
      // A retried batch carries the same scores: their ids repeat, so they are stored once.
      this.batch.addScore(
        scoreRow(redact, { projectId, traceId: id, id: `${id}:${n}` }, score, {
          source: "ingest",
          actor: this.source,
          createdAt: at,
        }),
      );
    });
  }
}
