import { describe, expect, it } from "vitest";
import { type SseEvent, SseOverflowError, sseBatches, sseEvents } from "./sse.js";

/** A body that delivers `parts` as separate chunks. */
function body(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of sseEvents(stream)) events.push(event);
  return events;
}

describe("reading server-sent events", () => {
  it("joins multi-line data with newlines and keeps the id and event name", async () => {
    const events = await all(body("id: 7\nevent: change\ndata: first line\ndata: second\n\n"));
    expect(events).toEqual([{ id: "7", event: "change", data: "first line\nsecond" }]);
  });

  it("reads events split anywhere across chunks, with CRLF line ends", async () => {
    const text = 'data: {"a":1}\r\n\r\ndata: {"b"\r\n\r\n';
    const events = await all(body(...text.split("")));
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b"']);
  });

  it("completes events split at every possible place", async () => {
    const stream = 'event: message_start\ndata: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < stream.length; cut++) {
      const events = await all(body(stream.slice(0, cut), stream.slice(cut)));
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ["message_start", '{"a":1}'],
        [undefined, '{"b":2}'],
        [undefined, "[DONE]"],
      ]);
    }
  });

  it("reads fields without a space after the colon", async () => {
    const events = await all(body("event:ping\r\ndata:first\r\ndata: second\r\n\r\n"));
    expect(events).toEqual([{ event: "ping", data: "first\nsecond", id: undefined }]);
  });

  it("ignores unknown fields, a retry that is not a number and stray lines, as the spec says", async () => {
    const events = await all(
      body('data: {"a":1}\n\n', "foo: bar\nretry: soon\nPROCESSING\n\n", 'data: {"b":2}\n\n'),
    );
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("does not split on a blank line inside a chunk boundary of two events", async () => {
    const events = await all(body("data: one\n", "\ndata: two\n\n"));
    expect(events.map((e) => e.data)).toEqual(["one", "two"]);
  });

  it("ignores comments but reports them as data arriving, and hears retry", async () => {
    let chunks = 0;
    let retry: number | undefined;
    const comments: string[] = [];
    const batches: SseEvent[][] = [];
    for await (const batch of sseBatches(
      body(": heartbeat\n\n", "retry: 2500\n\n", "data: x\n\n"),
      {
        onData: () => chunks++,
        onRetry: (ms) => {
          retry = ms;
        },
        onComment: (comment) => comments.push(comment),
      },
    )) {
      batches.push(batch);
    }
    expect(chunks).toBe(3);
    expect(retry).toBe(2500);
    expect(comments).toEqual(["heartbeat"]);
    expect(batches).toEqual([[], [], [{ data: "x", event: undefined, id: undefined }]]);
  });

  it("refuses an event longer than the limit instead of holding it", async () => {
    const reading = (async () => {
      for await (const _ of sseEvents(body(`data: ${"x".repeat(5000)}`), { maxEventChars: 1000 })) {
        // nothing arrives: the event never ends
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(SseOverflowError);
  });

  it("stops reading when the consumer stops, cancelling the body", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: a\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of sseEvents(stream)) {
      expect(event.data).toBe("a");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
