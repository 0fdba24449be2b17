import type { EvalRun } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { inputText, outputText, shownVariants } from "./results.js";

const variant = (role: "candidate" | "baseline", label: string) => ({
  role,
  label,
  version: null,
  provider: null,
  model: null,
});

/** A run with two candidates and one baseline, the baseline listed last as the server does. */
const run = {
  variants: [
    variant("candidate", "v3"),
    variant("candidate", "draft"),
    variant("baseline", "production"),
  ],
  summary: {
    variants: [
      { variant: 0, baselineVariant: 2 },
      { variant: 1, baselineVariant: 2 },
      { variant: 2, baselineVariant: null },
    ],
  },
} as unknown as EvalRun;

describe("the results table", () => {
  it("puts the baseline first, then every candidate", () => {
    expect(shownVariants(run, undefined)).toEqual([2, 0, 1]);
  });

  it("shows one picked candidate beside the baseline it was compared with", () => {
    expect(shownVariants(run, 1)).toEqual([2, 1]);
  });

  it("shows a candidate alone when the run had no baseline", () => {
    const alone = { variants: [variant("candidate", "v1")], summary: null } as unknown as EvalRun;
    expect(shownVariants(alone, 0)).toEqual([0]);
  });

  it("writes inputs one variable a line, and outputs as text or indented JSON", () => {
    expect(inputText({ variables: { question: "Where is my refund?", n: 2 } })).toBe(
      "question: Where is my refund?\nn: 2",
    );
    expect(inputText({ variables: {} })).toBe("(no variables)");
    expect(outputText("plain")).toBe("plain");
    expect(outputText({ ok: true })).toBe('{\n  "ok": true\n}');
    expect(outputText(null)).toBe("");
  });
});
