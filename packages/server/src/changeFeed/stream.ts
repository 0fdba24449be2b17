import type { ChangeEvent } from "@promptline/core";
import type { FeedHub } from "./hub.js";

export interface StreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Sent to clients as the SSE `retry:` reconnection delay. */
  retryMs: number;
  /** Hears failures to read the event log. */
  onError: (error: unknown) => void;
  /** Called once when the stream ends, however it ends. */
  release?: () => void;
}

const encoder = new TextEncoder();

const RESET_REASONS = {
  too_old: "the cursor is older than the events this server keeps",
  unknown: "the cursor is past the newest event",
};

/**
 * Tells a subscriber the feed cannot replay what it missed: it should look at everything it
 * keeps again. The id moves its Last-Event-ID to where the feed goes on from.
 */
function resetFrame(position: number, reason: keyof typeof RESET_REASONS): Uint8Array {
  const data = JSON.stringify({ position, reason: RESET_REASONS[reason] });
  return encoder.encode(`id: ${position}\nevent: reset\ndata: ${data}\n\n`);
}

/** Reads in a row that may find nothing new before the stream waits a whole heartbeat. */
const MAX_EMPTY_READS = 3;

/** Each event's frame, encoded once however many subscribers it goes to (events are shared). */
const frames = new WeakMap<ChangeEvent, Uint8Array>();

function frame(event: ChangeEvent): Uint8Array {
  let bytes = frames.get(event);
  if (!bytes) {
    bytes = encoder.encode(
      `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
    );
    frames.set(event, bytes);
  }
  return bytes;
}

/**
 * A project's change feed as server-sent events, starting after `cursor` (the Last-Event-ID) or
 * at the present. Pull-based: the next batch is read only when the connection has taken the last
 * one, so a slow client holds at most one batch in memory.
 */
export function changeStream(
  hub: FeedHub,
  projectId: string,
  cursor: number | undefined,
  options: StreamOptions,
): ReadableStream<Uint8Array> {
  const feed = hub.join(projectId);
  let position = cursor;
  let stopWaiting = () => {};
  let closed = false;
  const waitFor = (wait: { done: Promise<boolean>; cancel: () => void }) => {
    stopWaiting = wait.cancel;
    return wait.done;
  };
  const close = () => {
    if (closed) return;
    closed = true;
    stopWaiting();
    hub.leave(projectId);
    options.release?.();
  };
  // The log could not be read (database down): end the stream cleanly; the client reconnects with
  // its Last-Event-ID and loses nothing.
  const endOnError = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    // A subscriber that left while its events were read is no failure of the log.
    if (closed) return;
    options.onError(error);
    close();
    controller.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        try {
          position ??= await feed.head();
        } catch (error) {
          endOnError(controller, error);
          return;
        }
        controller.enqueue(
          encoder.encode(`retry: ${options.retryMs}\n: connected at event ${position}\n\n`),
        );
      },
      async pull(controller) {
        try {
          // Each read either delivers events or moves the position past what it covered, so
          // news that turns out to hold nothing for this feed is not asked about again.
          let news = true;
          for (let read = 0; read < MAX_EMPTY_READS && news; read++) {
            if (closed) return;
            const next = await feed.eventsAfter(position ?? 0);
            if (closed) return;
            position = next.position;
            if (next.reset) {
              controller.enqueue(resetFrame(next.position, next.reset));
              return;
            }
            if (next.events.length > 0) {
              for (const event of next.events) controller.enqueue(frame(event));
              return;
            }
            news = await waitFor(feed.waitForNews(position, options.heartbeatMs));
          }
          // Woken again and again for nothing: the bookkeeping disagrees with the log. Waiting
          // out a heartbeat turns what would be a busy loop into one read per heartbeat.
          if (news) await waitFor(feed.waitForNews(Number.MAX_SAFE_INTEGER, options.heartbeatMs));
          if (!closed) controller.enqueue(encoder.encode(": heartbeat\n\n"));
        } catch (error) {
          endOnError(controller, error);
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
}
