import { createParser, type EventSourceMessage } from "eventsource-parser";

/** One server-sent event. */
export type SseEvent = EventSourceMessage;

export interface SseOptions {
  /** Hears a reconnection delay the server sets (`retry:` field), in milliseconds. */
  onRetry?: (ms: number) => void;
  /** Hears every chunk received, heartbeats (comments) included: the connection is alive. */
  onData?: () => void;
  /** Hears comment lines (`: heartbeat`), without the colon and the space after it. */
  onComment?: (comment: string) => void;
  /** The longest event (or unfinished line) held while it arrives. Default 16 MiB. */
  maxEventChars?: number;
}

/** A stream that sent more than `maxEventChars` without finishing an event. */
export class SseOverflowError extends Error {
  override name = "SseOverflowError";
}

type Body = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Reads server-sent events as bytes arrive (per the HTML specification: events split anywhere
 * across chunks, LF/CR/CRLF line ends, multi-line `data:` joined with "\n", comments ignored),
 * yielding the events each chunk completed — an empty array for a chunk that completed none.
 * Ends when the body ends; throws SseOverflowError past `maxEventChars`.
 */
export async function* sseBatches(
  body: Body,
  options: SseOptions = {},
): AsyncGenerator<SseEvent[]> {
  let completed: SseEvent[] = [];
  let overflow: Error | undefined;
  const parser = createParser({
    onEvent: (event) => {
      completed.push(event);
    },
    ...(options.onRetry && { onRetry: options.onRetry }),
    ...(options.onComment && { onComment: options.onComment }),
    // Unknown fields, a retry that is not a number and stray lines are ignored, as the
    // specification says; only an event past the size limit ends the stream.
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") {
        overflow = new SseOverflowError(`the event stream ${error.message}`);
      }
    },
    maxBufferSize: options.maxEventChars ?? 16 * 1024 * 1024,
  });
  const decoder = new TextDecoder();
  for await (const bytes of chunksOf(body)) {
    options.onData?.();
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (overflow) throw overflow;
    const batch = completed;
    completed = [];
    yield batch;
  }
}

/** Reads server-sent events, one at a time, until the body ends. */
export async function* sseEvents(body: Body, options: SseOptions = {}): AsyncGenerator<SseEvent> {
  for await (const batch of sseBatches(body, options)) yield* batch;
}

/** A web ReadableStream's chunks, releasing its lock when the reader stops early. */
async function* chunksOf(body: Body): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    yield* body as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
