import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./ids.js";

describe("time-ordered ids", () => {
  it("are UUIDv7 with the time in front", () => {
    const id = timeOrderedId(Date.UTC(2026, 11, 3));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.replaceAll("-", "").slice(0, 12)).toBe(
      Date.UTC(2026, 11, 3).toString(16).padStart(12, "0"),
    );
  });

  it("sort in the order they were made, within a millisecond and past the counter's room", () => {
    const at = Date.UTC(2026, 11, 4);
    const ids = Array.from({ length: 10_000 }, () => timeOrderedId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A clock that steps back does not reorder either.
    const later = timeOrderedId(at - 5);
    expect(later > (ids.at(-1) as string)).toBe(true);
  });
});
