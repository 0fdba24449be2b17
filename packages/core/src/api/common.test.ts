import { describe, expect, it } from "vitest";
import { timeQuerySchema, versionNumberSchema, versionParamSchema } from "./common.js";

describe("timestamps in query strings", () => {
  it("take a date and time with Z or an offset, and refuse a bare date or local time", () => {
    expect(timeQuerySchema.parse("2026-11-27T16:00:00Z")).toBe("2026-11-27T16:00:00Z");
    expect(timeQuerySchema.safeParse("2026-11-27T17:00:00.250+01:00").success).toBe(true);
    for (const text of ["2026-11-27", "2026-11-27T16:00:00"]) {
      expect(timeQuerySchema.safeParse(text).error?.issues[0]?.message).toBe(
        "an ISO-8601 timestamp",
      );
    }
  });
});

describe("version numbers", () => {
  it("are read from query strings and paths as whole numbers from 1", () => {
    expect(versionParamSchema.parse("3")).toBe(3);
    for (const text of ["0", "-1", "1.5", "three", ""]) {
      expect(versionParamSchema.safeParse(text).success, text).toBe(false);
    }
  });

  it("are numbers in JSON bodies, never strings, and at most what storage holds", () => {
    expect(versionNumberSchema.parse(2_147_483_647)).toBe(2_147_483_647);
    expect(versionNumberSchema.safeParse("3").success).toBe(false);
    expect(versionNumberSchema.safeParse(2.5).success).toBe(false);
    expect(versionNumberSchema.safeParse(2_147_483_648).error?.issues[0]?.message).toBe(
      "at most 2147483647",
    );
  });
});
