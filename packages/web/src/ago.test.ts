import { describe, expect, it } from "vitest";
import { ago } from "./ago.js";

describe("ago", () => {
  const now = Date.parse("2026-05-01T12:00:00Z");
  const words = (iso: string) => ago(iso, now);

  it("says how long ago, in the largest whole unit", () => {
    expect(words("2026-05-01T11:59:45Z")).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(0, "second"),
    );
    expect(words("2026-05-01T11:55:00Z")).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-5, "minute"),
    );
    expect(words("2026-05-01T09:00:00Z")).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-3, "hour"),
    );
    expect(words("2026-04-28T12:00:00Z")).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-3, "day"),
    );
    expect(words("2025-04-01T12:00:00Z")).toBe(
      new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-1, "year"),
    );
  });
});
