/**
 * A run's progress as server-sent events: `progress` ({status, total, done, errored}) when the
 * counters change, at most every half second, comment heartbeats while nothing changes, and one
 * `end` event with the final counters once the run has finished; then the stream ends.
 * Pull-based like the change feed: nothing is read while the client has not taken the last event.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { EvalProgressEvent } from "@promptline/core";
import type { StreamOptions } from "../changeFeed/stream.js";

/** Progress is read (and sent, when it changed) at most this often. */
export const PROGRESS_INTERVAL_MS = 500;

const encoder = new TextEncoder();
const frame = (event: string, data: EvalProgressEvent) =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

const finished = (status: EvalProgressEvent["status"]) =>
  status === "completed" || status === "failed" || status === "cancelled";

export function progressStream(
  read: () => Promise<EvalProgressEvent>,
  options: StreamOptions & { intervalMs?: number },
): ReadableStream<Uint8Array> {
  const intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const stop = new AbortController();
  let closed = false;
  let last = "";
  let lastReadAt = 0;
  let lastSentAt = Date.now();
  const close = () => {
    if (closed) return;
    closed = true;
    stop.abort();
    options.release?.();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`));
      },
      async pull(controller) {
        try {
          // Every turn waits out the interval first, so this loop reads twice a second at most.
          while (!closed) {
            const wait = lastReadAt + intervalMs - Date.now();
            if (wait > 0) await sleep(wait, undefined, { signal: stop.signal, ref: false });
            lastReadAt = Date.now();
            const progress = await read();
            if (closed) return;
            if (finished(progress.status)) {
              controller.enqueue(frame("progress", progress));
              controller.enqueue(frame("end", progress));
              close();
              controller.close();
              return;
            }
            const text = JSON.stringify(progress);
            if (text !== last) {
              last = text;
              lastSentAt = Date.now();
              controller.enqueue(frame("progress", progress));
              return;
            }
            if (Date.now() - lastSentAt >= options.heartbeatMs) {
              lastSentAt = Date.now();
              controller.enqueue(encoder.encode(": heartbeat\n\n"));
              return;
            }
          }
        } catch (error) {
          if (closed) return;
          options.onError(error);
          close();
          controller.close();
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
}
