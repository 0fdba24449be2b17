import { describe, expect, it } from "vitest";
import { SseParser } from "./sse.js";

describe("SseParser", () => {
  it("completes events split anywhere across network chunks", () => {
    const stream = 'event: message_start\ndata: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < stream.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut))];
      expect(events).toEqual([
        { event: "message_start", data: '{"a":1}' },
        { event: undefined, data: '{"b":2}' },
        { event: undefined, data: "[DONE]" },
      ]);
    }
  });

  it("reads CRLF line ends, multi-line data and fields without a space, and skips comments", () => {
    const parser = new SseParser();
    const events = parser.push(
      ": keep-alive\r\n\r\nevent:ping\r\ndata:first\r\ndata: second\r\n\r\n",
    );
    expect(events).toEqual([{ event: "ping", data: "first\nsecond" }]);
  });

  it("holds back an event until its blank line arrives", () => {
    const parser = new SseParser();
    expect(parser.push('data: {"x":1}\n')).toEqual([]);
    expect(parser.push("\n")).toEqual([{ event: undefined, data: '{"x":1}' }]);
  });
});
