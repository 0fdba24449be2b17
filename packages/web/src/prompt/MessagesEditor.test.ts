import { describe, expect, it } from "vitest";
import { edited, type Message, placeholderName } from "./MessagesEditor.js";

const a: Message = { role: "system", content: "a" };
const b: Message = { type: "placeholder", name: "history" };
const c: Message = { role: "user", content: "c" };

describe("editing the list of messages", () => {
  it("sets, moves and removes one message by its place, leaving the others as they were", () => {
    const list = [a, b, c];
    const set = edited(list, 2, { kind: "set", message: { role: "user", content: "C" } });
    expect(set).toEqual([a, b, { role: "user", content: "C" }]);
    // The untouched messages are the same objects, so their cards are not drawn again.
    expect(set[0]).toBe(a);
    expect(edited(list, 1, { kind: "move", by: -1 })).toEqual([b, a, c]);
    expect(edited(list, 1, { kind: "move", by: 1 })).toEqual([a, c, b]);
    expect(edited(list, 0, { kind: "move", by: -1 })).toBe(list);
    expect(edited(list, 2, { kind: "move", by: 1 })).toBe(list);
    expect(edited(list, 1, { kind: "remove" })).toEqual([a, c]);
  });

  it("names a new placeholder with a name the list does not use", () => {
    expect(placeholderName([a])).toBe("history");
    expect(placeholderName([a, b])).toBe("history2");
  });
});
