import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { type EvalFlags, planFromFlags } from "./options.js";

const dir = mkdtempSync(join(tmpdir(), "promptline-eval-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: EvalFlags = {
  dataset: "support/golden",
  version: "3",
  env: "production",
  scorer: ['{"type":"equals"}'],
  timeout: "1800",
};

const plan = (flags: Partial<EvalFlags>) => planFromFlags("support/reply", { ...base, ...flags });

function refusal(flags: Partial<EvalFlags>): string {
  try {
    plan(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("the flags were accepted");
}

describe("promptline eval flags", () => {
  it("become a plan: candidate, baseline, scorers, thresholds, models and files", () => {
    const scorers = join(dir, "scorers.json");
    writeFileSync(
      scorers,
      JSON.stringify([{ type: "json-valid" }, { type: "length", name: "short", max: 200 }]),
    );
    expect(
      plan({
        revision: "2",
        baseline: "v1",
        level: "minor",
        scorer: ['{"type":"contains","values":["refund"]}', `@${scorers}`],
        customScorer: ["polite.mjs"],
        min: ["contains=0.8", "short=1"],
        regression: false,
        model: ["gpt-4o-mini", "local:llama3:8b", ":qwen:7b"],
        concurrency: "8",
        timeout: "90",
        junit: "out/junit.xml",
        markdown: "report.md",
      }),
    ).toEqual({
      prompt: "support/reply",
      dataset: "support/golden",
      revision: 2,
      candidate: { version: 3 },
      baseline: { version: 1 },
      environment: "production",
      level: "minor",
      scorers: [
        { type: "contains", values: ["refund"], mode: "any" },
        { type: "json-valid" },
        { type: "length", name: "short", max: 200 },
      ],
      customScorers: ["polite.mjs"],
      minimums: new Map([
        ["contains", 0.8],
        ["short", 1],
      ]),
      noRegression: true,
      models: [
        { model: "gpt-4o-mini" },
        { provider: "local", model: "llama3:8b" },
        { model: "qwen:7b" },
      ],
      concurrency: 8,
      timeoutMs: 90_000,
      junit: "out/junit.xml",
      markdown: "report.md",
    });
  });

  it("name the baseline by version, by label or environment, or none at all", () => {
    expect(plan({}).baseline).toEqual({ default: true });
    expect(plan({ baseline: "4" }).baseline).toEqual({ version: 4 });
    expect(plan({ baseline: "staging" }).baseline).toEqual({ name: "staging" });
    expect(plan({ baseline: "none" }).baseline).toEqual({ none: true });
  });

  it("take exactly one candidate", () => {
    const message =
      "name exactly one candidate: --file PATH, --version N, --label LABEL or --draft";
    expect(refusal({ version: undefined })).toBe(message);
    expect(refusal({ draft: true })).toBe(message);
    expect(plan({ version: undefined, file: "p.yaml" }).candidate).toEqual({ file: "p.yaml" });
    expect(plan({ version: undefined, label: "canary" }).candidate).toEqual({ label: "canary" });
    expect(plan({ version: undefined, draft: true }).candidate).toEqual({ draft: true });
  });

  it("refuse what cannot be right, naming the flag", () => {
    expect(refusal({ version: "three" })).toBe("'three' is not a version number (1, 2, 3 …)");
    expect(refusal({ scorer: [] })).toMatch(/^give at least one --scorer/);
    expect(refusal({ scorer: ["{type: equals}"] })).toMatch(/^--scorer is not JSON: /);
    expect(refusal({ scorer: ['{"type":"sentiment"}'] })).toMatch(
      /^--scorer is not a valid scorer: /,
    );
    expect(refusal({ scorer: [`@${join(dir, "missing.json")}`] })).toMatch(
      /^cannot read the scorer file .*missing\.json/,
    );
    expect(refusal({ min: ["exact"] })).toBe(
      "--min is SCORER=MEAN (e.g. --min exact=0.8), not 'exact'",
    );
    expect(refusal({ min: ["exact=high"] })).toMatch(/^--min is SCORER=MEAN/);
    expect(refusal({ min: ["exact=1.5"] })).toBe("--min exact=1.5: the mean is between 0 and 1");
    expect(refusal({ level: "huge" })).toBe("--level is patch, minor or major, not 'huge'");
    expect(refusal({ concurrency: "0" })).toBe("--concurrency is a whole number from 1, not '0'");
    expect(refusal({ concurrency: "64" })).toBe("--concurrency is at most 32");
    expect(refusal({ timeout: "-1" })).toMatch(/^--timeout is a number of seconds/);
    expect(refusal({ revision: "latest" })).toBe(
      "--revision is a whole number from 1, not 'latest'",
    );
    expect(refusal({ model: ["local:"] })).toBe("--model is [PROVIDER:]MODEL, not 'local:'");
  });
});
