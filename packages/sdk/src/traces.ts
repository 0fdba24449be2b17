import { isRetryable, Transport, type TransportOptions } from "@promptline/client";
import type { Score, ScoreInput, TraceInput } from "@promptline/core";
import { timeOrderedId } from "@promptline/core/ids";
import { type DeliveryOptions, TraceDelivery, type TraceStatus } from "./trace-delivery.js";
import { messageOf } from "./trace-errors.js";
import { INGEST_PATH } from "./trace-sender.js";

/** Which prompt produced a trace: a `Prompt` from `getPrompt`, or its name (version, label). */
export interface PromptRef {
  readonly name: string;
  readonly version?: number | null;
  readonly label?: string | null;
  readonly variant?: string | null;
}

/** One LLM call, as `record` takes it: the API's TraceInput with friendlier id, times and prompt. */
export interface TraceRecord
  extends Omit<TraceInput, "id" | "startTime" | "endTime" | "prompt" | "error"> {
  /** Default: a new UUIDv7. Your own needs 8-64 letters, digits, '_' or '-'. */
  id?: string;
  /** Default: now. */
  startTime?: Date | string;
  endTime?: Date | string;
  /** A `Prompt` tags the trace with its name, version, label and variant. */
  prompt?: PromptRef;
  /** What went wrong: an Error or a message. Makes `status` "error" unless given. */
  error?: unknown;
}

/** What is known when a call starts. */
export type TraceStart = Pick<
  TraceRecord,
  "id" | "prompt" | "variant" | "provider" | "model" | "input" | "userId" | "sessionId" | "metadata"
>;

/** What is known when it ends; `metadata` is merged into the start's. */
export type TraceEnd = Pick<
  TraceRecord,
  | "output"
  | "usage"
  | "status"
  | "error"
  | "cost"
  | "timeToFirstTokenMs"
  | "model"
  | "metadata"
  | "scores"
>;

/** A call in progress: `end` records it with its start and end time and latency. */
export interface TraceSpan {
  readonly id: string;
  readonly startTime: Date;
  /** Marks the first streamed token (sets timeToFirstTokenMs); later calls are ignored. */
  firstToken(): void;
  /** Records the trace and returns its id. A second call records nothing and is reported. */
  end(result?: TraceEnd): string;
}

export interface TraceOptions extends DeliveryOptions {
  /** Milliseconds since the epoch, for start/end times and latency. Default Date.now. */
  clock?: () => number;
  /** Ids for traces recorded without one. Default UUIDv7. */
  newId?: () => string;
}

function isoOf(time: Date | string | number): string {
  if (typeof time === "string") return time;
  const date = new Date(time);
  // An invalid date is sent as is, for the server to reject with its reason.
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString();
}

function tagOf(prompt: PromptRef): NonNullable<TraceInput["prompt"]> {
  return {
    name: prompt.name,
    // A fallback prompt (version 0) was never a stored version: tag the name and label only.
    ...(typeof prompt.version === "number" && prompt.version > 0 && { version: prompt.version }),
    ...(prompt.label && { label: prompt.label }),
  };
}

function toInput(trace: TraceRecord, id: string, now: number): TraceInput {
  const { prompt, startTime, endTime, error, ...rest } = trace;
  const variant = trace.variant ?? prompt?.variant ?? undefined;
  return {
    ...rest,
    id,
    startTime: isoOf(startTime ?? now),
    ...(endTime !== undefined && { endTime: isoOf(endTime) }),
    ...(prompt && { prompt: tagOf(prompt) }),
    ...(variant !== undefined && { variant }),
    ...(error !== undefined && { error: messageOf(error), status: trace.status ?? "error" }),
  };
}

/**
 * Buffers traces and sends them in batches in the background: when `flushAt` wait, and every
 * `flushIntervalMs`. One batch is on the wire at a time. Failed batches (network, 429, 5xx) stay
 * buffered and are retried with backoff; every trace carries an id, so a retried batch is stored
 * once. Nothing here throws at the app: problems go to `onError` as TraceDeliveryErrors.
 */
export class TraceReporter {
  private readonly http: Transport;
  private readonly delivery: TraceDelivery;
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(connection: TransportOptions, options: TraceOptions = {}) {
    this.http = new Transport(connection);
    this.delivery = new TraceDelivery(connection, options);
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? (() => timeOrderedId(this.clock()));
  }

  /**
   * Buffers one trace and returns its id; the send happens in the background. Throws only a
   * TypeError when not given an object. Anything else wrong (an invalid field, a value JSON cannot
   * hold, a full buffer, a closed reporter) is reported to onError and counted, never thrown.
   */
  record(trace: TraceRecord): string {
    if (typeof trace !== "object" || trace === null) {
      throw new TypeError(
        `record() takes a trace object, not ${trace === null ? "null" : typeof trace}`,
      );
    }
    const id = trace.id ?? this.newId();
    if (!this.delivery.admit()) return id;
    let input: TraceInput;
    let json: string;
    try {
      input = toInput(trace, id, this.clock());
      json = JSON.stringify(input);
    } catch (error) {
      this.delivery.rejectLocally({ id, reasons: [`cannot be sent as JSON: ${messageOf(error)}`] });
      return id;
    }
    this.delivery.enqueue(id, json, input);
    return id;
  }

  /** Starts timing a call; `end()` records it with start and end time and latency. */
  start(start: TraceStart = {}): TraceSpan {
    const startedAt = this.clock();
    const id = start.id ?? this.newId();
    let firstTokenAt: number | undefined;
    let ended = false;
    return {
      id,
      startTime: new Date(startedAt),
      firstToken: () => {
        firstTokenAt ??= this.clock();
      },
      end: (result = {}) => {
        if (ended) {
          this.delivery.reportLater(
            "rejected",
            "end() was called again; the first end() was recorded",
            1,
            [{ id, reasons: ["end() was called again for this trace"] }],
          );
          return id;
        }
        ended = true;
        // A wall clock stepped back must not make a negative latency the server would refuse.
        const endedAt = Math.max(startedAt, this.clock());
        const metadata =
          start.metadata || result.metadata ? { ...start.metadata, ...result.metadata } : undefined;
        return this.record({
          ...start,
          ...result,
          id,
          startTime: new Date(startedAt),
          endTime: new Date(endedAt),
          latencyMs: endedAt - startedAt,
          timeToFirstTokenMs:
            result.timeToFirstTokenMs ??
            (firstTokenAt === undefined ? undefined : Math.max(0, firstTokenAt - startedAt)),
          ...(metadata && { metadata }),
        });
      },
    };
  }

  /**
   * Attaches a score to a trace: `true`/`false` for thumbs up/down, a number for a rating, or
   * `{ name, value, comment }` (name defaults to `feedback`). A trace still buffered here is sent
   * first. Rejects with a PromptlineApiError (e.g. 404 for an unknown trace) or, when the server
   * cannot be reached, a PromptlineUnreachableError.
   */
  async score(traceId: string, score: number | boolean | ScoreInput): Promise<Score> {
    const body = typeof score === "object" ? score : { value: score };
    if (this.delivery.isBuffered(traceId)) await this.flush();
    // A 404 is asked again: the trace may be on its way from another process or the gateway.
    return this.http.json<Score>("POST", `${INGEST_PATH}/${encodeURIComponent(traceId)}/scores`, {
      body,
      retryable: (status) => status === 404 || isRetryable(status),
    });
  }

  /**
   * Sends everything buffered now. Resolves when all of it is stored, rejected or dropped — or,
   * if the server cannot be reached, after `retries` more attempts (the client's option, default
   * 2): those traces stay buffered and the background retries go on. Never rejects.
   */
  flush(): Promise<void> {
    return this.delivery.flush();
  }

  /**
   * Flushes, then stops: the timer ends, and traces the server could not take by then are
   * dropped and reported (the process is about to lose them anyway).
   */
  close(): Promise<void> {
    return this.delivery.close();
  }

  status(): TraceStatus {
    return this.delivery.status();
  }
}
