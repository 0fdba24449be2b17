import { describe, expect, it } from "vitest";
import { scorerListSchema, scorerSpecSchema } from "./scorer-spec.js";

const VALID =
  "use one of equals, contains, not-contains, regex, json-valid, json-schema, length, constraints, latency, cost, similarity, judge";

const issuesOf = (value: unknown) =>
  scorerSpecSchema.safeParse(value).error?.issues.map((i) => ({
    path: i.path,
    message: i.message,
  }));

describe("scorer specs", () => {
  it("an unknown or missing type lists the valid types", () => {
    expect(issuesOf({ type: "bleu" })).toEqual([
      { path: ["type"], message: `unknown scorer type 'bleu': ${VALID}` },
    ]);
    expect(issuesOf({ pattern: "a" })).toEqual([
      { path: ["type"], message: `a scorer needs a type: ${VALID}` },
    ]);
    expect(scorerListSchema.safeParse([{ type: "equals" }, { type: 3 }]).error?.issues).toEqual([
      expect.objectContaining({ path: [1, "type"], message: `unknown scorer type '3': ${VALID}` }),
    ]);
  });

  it("a known type's mistake is reported on its own field", () => {
    expect(issuesOf({ type: "regex" })).toEqual([
      { path: ["pattern"], message: "Invalid input: expected string, received undefined" },
    ]);
    expect(issuesOf({ type: "judge" })).toEqual([
      { path: ["prompt"], message: "Invalid input: expected string, received undefined" },
    ]);
    expect(issuesOf({ type: "regex", pattern: "a", flags: "g" })).toEqual([
      { path: ["flags"], message: "flags are any of i, m, s and u" },
    ]);
    expect(scorerSpecSchema.parse({ type: "judge", prompt: "judges/tone" })).toEqual({
      type: "judge",
      prompt: "judges/tone",
    });
  });
});
