import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EvalVariant } from "@promptline/core";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import {
  type CustomScorer,
  loadCustomScorer,
  loadCustomScorers,
  outcomeOf,
  runScorer,
  type ScorerArgs,
} from "./custom-scorers.js";
import { type CaseResult, type ScoringApi, type SubmittedScore, scoreRun } from "./score-run.js";

const dir = mkdtempSync(join(tmpdir(), "promptline-custom-scorers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refusal(load: Promise<unknown>): Promise<string> {
  const error = await load.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

const args: ScorerArgs = {
  output: "echo: hello",
  expected: "hello",
  input: { variables: { q: "hello" } },
  tags: ["edge"],
  metadata: {},
  variant: { role: "candidate", label: "v2", version: 2, model: null },
};

describe("custom scorer modules", () => {
  it("load with their exported name, or their file's name", async () => {
    const named = await loadCustomScorer(
      module("a.mjs", 'export const name = "polite";\nexport default () => 1;\n'),
    );
    expect(named.name).toBe("polite");
    const unnamed = await loadCustomScorer(module("has-expected.mjs", "export default () => 1;"));
    expect(unnamed.name).toBe("has-expected");
  });

  it("that cannot be used are usage errors naming the file", async () => {
    expect(await refusal(loadCustomScorer(join(dir, "nowhere.mjs")))).toMatch(
      /nowhere\.mjs: no such file$/,
    );
    expect(await refusal(loadCustomScorer(module("s.ts", "export default () => 1;")))).toMatch(
      /a scorer is a JavaScript module \(\.mjs or \.js\)/,
    );
    expect(
      await refusal(loadCustomScorer(module("no-default.mjs", "export const x = 1;"))),
    ).toMatch(/no-default\.mjs has no default export: export default async/);
    expect(await refusal(loadCustomScorer(module("broken.mjs", "export default (")))).toMatch(
      /broken\.mjs cannot be loaded: /,
    );
    expect(
      await refusal(
        loadCustomScorer(
          module(
            "bad-name.mjs",
            'export const name = "no spaces please";\nexport default () => 1;',
          ),
        ),
      ),
    ).toMatch(/'no spaces please' is not a scorer name/);
    const twin = module("equals.mjs", "export default () => 1;");
    expect(await refusal(loadCustomScorers([twin], ["equals"]))).toMatch(
      /is named 'equals', like a --scorer: give it another name/,
    );
  });

  it("answer a number in [0, 1], a boolean or {score, reason}; anything else is an error", () => {
    expect(outcomeOf(0.25)).toEqual({ score: 0.25, reason: null, error: null });
    expect(outcomeOf(true)).toEqual({ score: 1, reason: null, error: null });
    expect(outcomeOf(false)).toEqual({ score: 0, reason: null, error: null });
    expect(outcomeOf({ score: false, reason: "rude" })).toEqual({
      score: 0,
      reason: "rude",
      error: null,
    });
    expect(outcomeOf(1.5).error).toBe("returned 1.5, not a score in [0, 1]");
    expect(outcomeOf(Number.NaN).error).toBe("returned NaN, not a score in [0, 1]");
    expect(outcomeOf({ score: -1, reason: "x" })).toEqual({
      score: null,
      reason: null,
      error: "returned -1, not a score in [0, 1]",
    });
    expect(outcomeOf("good").error).toBe(
      'returned the text "good": a scorer returns a number in [0, 1], a boolean, or {score, reason}',
    );
    expect(outcomeOf(undefined).error).toMatch(/^returned nothing: /);
  });

  it("that throw, or never answer, are recorded as that case's error", async () => {
    const throwing: CustomScorer = {
      name: "strict",
      path: "strict.mjs",
      score: () => {
        throw new Error("cannot judge an empty answer");
      },
    };
    expect(await runScorer(throwing, args)).toEqual({
      score: null,
      reason: null,
      error: "strict threw: cannot judge an empty answer",
    });
    const silent: CustomScorer = {
      name: "slow",
      path: "slow.mjs",
      score: () => new Promise(() => {}),
    };
    expect((await runScorer(silent, args, 20)).error).toBe("slow threw: no answer within 0.02 s");
  });
});

const variants: EvalVariant[] = [
  { role: "candidate", label: "v2", version: 2, provider: null, model: null },
  { role: "baseline", label: "production", version: 1, provider: null, model: null },
];

/** A run's results in pages of `limit`, as the server's cursor pages them. */
function fakeApi(cases: CaseResult[]): ScoringApi & { sent: SubmittedScore[][] } {
  const sent: SubmittedScore[][] = [];
  return {
    sent,
    async results({ limit, after }) {
      const start = after === undefined ? 0 : cases.findIndex((c) => c.caseId === after) + 1;
      const items = cases.slice(start, start + limit);
      const last = items.at(-1);
      return { items, nextCursor: start + limit < cases.length && last ? last.caseId : null };
    },
    async submitScores(scores) {
      sent.push(scores);
    },
  };
}

describe("scoring a run with custom scorers", () => {
  it("scores every output of every page, skips failed calls, and sends the scores in chunks", async () => {
    const cases: CaseResult[] = Array.from({ length: 5 }, (_, i) => ({
      caseId: `case-${i}`,
      input: { variables: { n: i } },
      expected: `answer ${i}`,
      tags: i === 0 ? ["edge"] : [],
      outputs: [
        { variant: 0, output: `answer ${i}`, error: null },
        i === 4
          ? { variant: 1, output: null, error: "upstream 500" }
          : { variant: 1, output: "wrong", error: null },
      ],
    }));
    const seen: ScorerArgs[] = [];
    const exact: CustomScorer = {
      name: "exact-ish",
      path: "x.mjs",
      score: (a) => {
        seen.push(a);
        if (a.tags.includes("edge") && a.variant.role === "baseline") throw new Error("edge");
        return a.output === a.expected;
      },
    };
    const api = fakeApi(cases);
    const report = await scoreRun(api, variants, [exact], { pageSize: 2, chunkSize: 3 });

    expect(report).toEqual({ scored: 9, errors: 1 });
    expect(api.sent.map((chunk) => chunk.length)).toEqual([3, 1, 3, 1, 1]);
    const all = api.sent.flat();
    expect(all.filter((s) => s.variant === 0).every((s) => s.score === 1)).toBe(true);
    expect(all.find((s) => s.caseId === "case-0" && s.variant === 1)).toEqual({
      caseId: "case-0",
      variant: 1,
      name: "exact-ish",
      score: null,
      reason: null,
      error: "exact-ish threw: edge",
    });
    expect(all.some((s) => s.caseId === "case-4" && s.variant === 1)).toBe(false);
    expect(seen[0]).toMatchObject({
      input: { variables: { n: 0 } },
      metadata: {},
      variant: { role: "candidate", label: "v2", version: 2 },
    });
  });
});
