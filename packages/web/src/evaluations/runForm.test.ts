import { describe, expect, it } from "vitest";
import { checkRun, emptyRun, type RunDraft } from "./runForm.js";
import { emptyScorer } from "./scorerForm.js";

const filled = (fields: Partial<RunDraft> = {}): RunDraft => ({
  ...emptyRun("support/answer"),
  versions: ["2"],
  dataset: "support/questions",
  ...fields,
});

describe("the new-evaluation form", () => {
  it("sends versions, labels and the draft as candidates, compared with what production serves", () => {
    const check = checkRun(filled({ labels: ["staging"], draft: true }));
    expect(check.errors).toEqual({});
    expect(check.body).toEqual({
      prompt: "support/answer",
      dataset: "support/questions",
      candidates: [{ version: 2 }, { label: "staging" }, { draft: true }],
      baseline: { environment: "production" },
      scorers: [{ type: "equals" }],
      environment: "production",
      concurrency: 4,
    });
  });

  it("compares with a chosen version or with nothing, on a chosen revision and models", () => {
    const byVersion = checkRun(
      filled({
        baseline: "version",
        baselineVersion: "1",
        revision: "3",
        models: [
          { key: "a", provider: "openai", model: "gpt-4o-mini" },
          { key: "b", provider: "", model: "" },
        ],
      }),
    );
    expect(byVersion.body?.baseline).toEqual({ version: 1 });
    expect(byVersion.body?.revision).toBe(3);
    expect(byVersion.body?.models).toEqual([{ provider: "openai", model: "gpt-4o-mini" }]);
    expect(checkRun(filled({ baseline: "none" })).body?.baseline).toBeNull();
  });

  it("says beside each field what is missing, in plain words", () => {
    const check = checkRun(emptyRun());
    expect(check.body).toBeUndefined();
    expect(check.errors.prompt).toBe("Pick the prompt to evaluate.");
    expect(check.errors.dataset).toBe("Pick the dataset to run on.");
    expect(check.errors.candidates).toBe(
      "Pick at least one candidate: a version, a label or the draft.",
    );
    const noBaseline = checkRun(filled({ baseline: "version", baselineVersion: "" }));
    expect(noBaseline.errors.baseline).toBe("Pick the version to compare with.");
  });

  it("holds concurrency to what the server allows, and the scorers to their own rules", () => {
    expect(checkRun(filled({ concurrency: 64 })).errors.concurrency).toMatch(/32/);
    const check = checkRun(filled({ scorers: [{ ...emptyScorer("latency") }] }));
    expect(check.body).toBeUndefined();
    expect(check.scorerErrors[0]?.maxMs).toBe("Give the most milliseconds a call may take.");
    expect(checkRun(filled({ scorers: [] })).scorerList).toBe("Add at least one scorer.");
  });
});
