import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExplainedError, UsageError } from "../errors.js";
import { type StartFlags, startBodyFromFlags } from "./start-options.js";

const dir = mkdtempSync(join(tmpdir(), "promptline-rollout-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const body = (flags: Partial<StartFlags>) =>
  startBodyFromFlags({ env: "production", candidate: ["8"], ...flags });

function refusal(flags: Partial<StartFlags>): string {
  try {
    body(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("the flags were accepted");
}

describe("promptline rollout start flags", () => {
  it("make a canary with guards, the breach action, unit, sample size, reason and override", () => {
    expect(
      body({
        canary: "5,25,50,100",
        hold: "30m",
        guard: ["error_rate<+2%", "p95_latency<+300ms", "score:tone>-0.05"],
        onBreach: "pause",
        unit: "accountId",
        minSamples: "250",
        reason: "new refund wording",
        overrideGate: "hotfix",
      }),
    ).toEqual({
      environment: "production",
      strategy: "canary",
      candidates: [{ version: 8 }],
      canary: [
        { weight: 500, holdMinutes: 30 },
        { weight: 2500, holdMinutes: 30 },
        { weight: 5000, holdMinutes: 30 },
        { weight: 10000, holdMinutes: 0 },
      ],
      guardrails: [
        { metric: "error_rate", worseWhen: "higher", tolerance: 0.02, relative: false },
        { metric: "p95_latency", worseWhen: "higher", tolerance: 300, relative: false },
        { metric: "score:tone", worseWhen: "lower", tolerance: 0.05, relative: false },
      ],
      onBreach: "pause",
      unit: "accountId",
      minSamples: 250,
      reason: "new refund wording",
      override: { reason: "hotfix" },
    });
  });

  it("make a split: one share per candidate in order, the control keeping the rest", () => {
    expect(body({ split: "50" })).toEqual({
      environment: "production",
      strategy: "split",
      candidates: [{ version: 8, weight: 5000 }],
      guardrails: [],
    });
    expect(body({ candidate: ["8", "9"], split: "30, 12.5" }).candidates).toEqual([
      { version: 8, weight: 3000 },
      { version: 9, weight: 1250 },
    ]);
  });

  it("say what to write for a canary or guard that cannot be read, in core's words", () => {
    expect(refusal({ canary: "5,25,50", hold: "30m" })).toBe(
      "--canary '5,25,50': the last step gives the candidate everyone (10000 basis points)",
    );
    expect(refusal({ canary: "5,x", hold: "30m" })).toBe(
      "--canary '5,x' is not a list of percentages: write e.g. 5,25,50,100",
    );
    expect(refusal({ canary: "5,100", hold: "soon" })).toBe(
      "--hold 'soon' is not a duration: write minutes (30m), hours (2h) or days (1d)",
    );
    expect(refusal({ split: "50", guard: ["errors<2"] })).toBe(
      "--guard 'errors<2': 'errors' is not a metric — use error_rate, p95_latency, cost_per_call, feedback or score:<name>",
    );
    expect(refusal({ split: "50", guard: ["error_rate>+2%"] })).toMatch(
      /^--guard 'error_rate>\+2%': a tolerance is how much worse/,
    );
  });

  it("refuse a plan that says too little or too much", () => {
    expect(refusal({ candidate: [] })).toMatch(/^name the version to try with --candidate/);
    expect(refusal({ candidate: ["eight"], split: "50" })).toBe(
      "'eight' is not a version number (1, 2, 3 …)",
    );
    expect(refusal({})).toMatch(/^say how traffic is shared: --canary/);
    expect(refusal({ canary: "5,100", hold: "1h", split: "50" })).toMatch(/not both$/);
    expect(refusal({ canary: "5,100" })).toMatch(/^--canary needs --hold/);
    expect(refusal({ split: "50", hold: "1h" })).toBe("--hold is for a --canary's steps");
    expect(refusal({ candidate: ["8", "9"], canary: "5,100", hold: "1h" })).toMatch(
      /^a canary tries one --candidate/,
    );
    expect(refusal({ candidate: ["8", "8"], split: "10,10" })).toBe(
      "each --candidate names a different version",
    );
    expect(refusal({ candidate: ["8", "9"], split: "50" })).toBe(
      "--split '50' gives 1 share for 2 --candidate: give one per candidate, in the same order",
    );
    expect(refusal({ candidate: ["8", "9"], split: "60,50" })).toMatch(
      /adds up to more than 100 %/,
    );
    expect(refusal({ split: "0" })).toBe("--split '0': each share is above 0");
    expect(refusal({ split: "half" })).toMatch(/^--split 'half' is not a list of percentages/);
    expect(refusal({ split: "50", onBreach: "panic" })).toMatch(/^--on-breach 'panic'/);
    expect(refusal({ split: "50", minSamples: "5" })).toMatch(/^--min-samples '5'/);
  });

  it("take targeting rules from a YAML file with shares in percent", () => {
    const path = join(dir, "rules.yaml");
    writeFileSync(
      path,
      `- description: beta customers
  conditions: [{ attribute: plan, op: in, values: [beta] }]
  variants: [{ version: 8 }]
- conditions: [{ attribute: region, op: equals, value: eu }]
  variants: [{ version: 8, percent: 12.5 }, { version: 7, weight: 8750 }]
`,
    );
    expect(body({ split: "10", rules: path }).rules).toEqual([
      {
        description: "beta customers",
        conditions: [{ attribute: "plan", op: "in", values: ["beta"] }],
        variants: [{ version: 8, weight: 10000 }],
      },
      {
        conditions: [{ attribute: "region", op: "equals", value: "eu" }],
        variants: [
          { version: 8, weight: 1250 },
          { version: 7, weight: 8750 },
        ],
      },
    ]);
  });

  it("name each mistake in a rules file by rule and field", () => {
    const path = join(dir, "bad-rules.json");
    writeFileSync(
      path,
      JSON.stringify({
        rules: [
          {
            description: "pro plan",
            conditions: [{ attribute: "plan", op: "like", value: "pro" }],
            variants: [
              { version: 8, percent: 60 },
              { version: 7, percent: 30 },
            ],
          },
          { conditions: [], variants: [{ version: 8, percent: 150 }] },
          { conditions: [{ attribute: "plan", op: "equals", value: "pro" }], variants: [] },
        ],
      }),
    );
    let caught: unknown;
    try {
      body({ split: "10", rules: path });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExplainedError);
    const error = caught as ExplainedError;
    expect(error.message).toBe(`${path} has 6 mistakes`);
    expect(error.exitCode).toBe(2);
    expect(error.lines).toEqual([
      expect.stringMatching(
        /^ {2}✗ rule 1 \(pro plan\), conditions\[0\]\.op: Invalid discriminator value\. Expected 'equals' \| /,
      ),
      "  ✗ rule 1 (pro plan), variants: a rule's weights add up to 10000 (100 %)",
      "  ✗ rule 2, variants[0].percent: a number from 0 to 100, got 150",
      "  ✗ rule 2, conditions: Too small: expected array to have >=1 items",
      "  ✗ rule 3, variants: Too small: expected array to have >=1 items",
      "  ✗ rule 3, variants: a rule's weights add up to 10000 (100 %)",
    ]);
  });

  it("say when a rules file cannot be read or is not a list", () => {
    expect(refusal({ split: "10", rules: join(dir, "missing.yaml") })).toMatch(
      /^cannot read --rules .*missing\.yaml: /,
    );
    const notYaml = join(dir, "broken.yaml");
    writeFileSync(notYaml, "- conditions: [\n");
    expect(refusal({ split: "10", rules: notYaml })).toMatch(
      /broken\.yaml is not valid YAML or JSON: /,
    );
    const notList = join(dir, "object.yaml");
    writeFileSync(notList, "plan: pro\n");
    expect(refusal({ split: "10", rules: notList })).toMatch(
      /object\.yaml is not a list of targeting rules/,
    );
  });
});
