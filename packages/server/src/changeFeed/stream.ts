import type { ChangeEvent } from "@promptline/core";
import type { FeedHub } from "./hub.js";

export interface StreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Sent to clients as the SSE `retry:` reconnection delay. */
  retryMs: number;
  /** Hears failures to read the event log. */
  onError: (error: unknown) => void;
}

const encoder = new TextEncoder();

function frame(event: ChangeEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
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
  const close = () => {
    if (closed) return;
    closed = true;
    stopWaiting();
    hub.leave(projectId);
  };
  // The log could not be read (database down): end the stream cleanly; the client reconnects with
  // its Last-Event-ID and loses nothing.
  const endOnError = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
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
          for (;;) {
            if (closed) return;
            const events = await feed.eventsAfter(position ?? 0);
            if (events.length > 0) {
              position = events.at(-1)?.id ?? position;
              controller.enqueue(encoder.encode(events.map(frame).join("")));
              return;
            }
            const wait = feed.waitForNews(position ?? 0, options.heartbeatMs);
            stopWaiting = wait.cancel;
            if (!(await wait.done)) {
              if (!closed) controller.enqueue(encoder.encode(": heartbeat\n\n"));
              return;
            }
          }
        } catch (error) {
          endOnError(controller, error);
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
}
