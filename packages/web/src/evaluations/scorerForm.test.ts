import { describe, expect, it } from "vitest";
import { checkScorers, emptyScorer, type ScorerDraft, specOf } from "./scorerForm.js";

const draft = (fields: Partial<ScorerDraft>): ScorerDraft => ({ ...emptyScorer(), ...fields });

describe("the scorer builder", () => {
  it("turns what was typed into the specs the API takes, leaving out what was left empty", () => {
    const check = checkScorers([
      draft({ type: "equals" }),
      draft({ type: "contains", values: "refund\n\n  sorry  \n", mode: "all", ignoreCase: true }),
      draft({ type: "latency", maxMs: "1500", name: "fast" }),
      draft({ type: "judge", prompt: "judges/factuality", judgeVersion: "2" }),
      draft({ type: "json-schema", schema: '{"type":"object"}' }),
    ]);
    expect(check.errors).toEqual([{}, {}, {}, {}, {}]);
    expect(check.specs).toEqual([
      { type: "equals" },
      { type: "contains", values: ["refund", "sorry"], mode: "all", ignoreCase: true },
      { type: "latency", maxMs: 1500, name: "fast" },
      { type: "judge", prompt: "judges/factuality", version: 2 },
      { type: "json-schema", schema: { type: "object" } },
    ]);
  });

  it("says beside each field what is missing or wrong, in the schema's terms", () => {
    const check = checkScorers([
      draft({ type: "contains" }),
      draft({ type: "latency", maxMs: "-5" }),
      draft({ type: "regex", pattern: "a", flags: "x" }),
      draft({ type: "judge" }),
      draft({ type: "cost", maxUsd: "abc" }),
    ]);
    expect(check.specs).toBeUndefined();
    expect(check.errors[0]?.values).toBe("Give at least one text, one per line.");
    expect(check.errors[1]?.maxMs).toBe("Must be more than 0.");
    expect(check.errors[2]?.flags).toBe("Flags are any of i, m, s and u.");
    expect(check.errors[3]?.prompt).toBe("Pick the judge prompt.");
    expect(check.errors[4]?.maxUsd).toBeDefined();
  });

  it("refuses a pattern the browser cannot read and a schema that is not JSON", () => {
    const check = checkScorers([
      draft({ type: "regex", pattern: "(unclosed" }),
      draft({ type: "json-schema", schema: "{type: object}" }),
    ]);
    expect(check.errors[0]?.pattern).toMatch(/^Not a regular expression/);
    expect(check.errors[1]?.schema).toBe(
      "The schema is not JSON: check its quotes, commas and brackets.",
    );
  });

  it("asks for a distinct name when two scorers would share one, beside the second", () => {
    const check = checkScorers([draft({ type: "equals" }), draft({ type: "equals" })]);
    expect(check.errors[0]).toEqual({});
    expect(check.errors[1]?.name).toBe(
      "Two scorers are named 'equals': give each a distinct name.",
    );
    expect(
      checkScorers([draft({ type: "equals" }), draft({ type: "equals", name: "strict" })]).specs,
    ).toHaveLength(2);
  });

  it("asks for at least one scorer, and a bound for a length scorer", () => {
    expect(checkScorers([]).list).toBe("Add at least one scorer.");
    expect(checkScorers([draft({ type: "length" })]).errors[0]?.max).toBe(
      "Give a minimum, a maximum or both.",
    );
  });

  it("keeps the fields of another type when the type is switched, sending only this type's", () => {
    const switched = draft({ type: "json-valid", values: "kept", pattern: "kept" });
    expect(specOf(switched).spec).toEqual({ type: "json-valid" });
  });
});
