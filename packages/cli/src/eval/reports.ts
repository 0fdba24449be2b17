/**
 * What `promptline eval` prints and writes: a summary table for the terminal, a markdown report
 * fit for a pull-request comment, and JUnit XML for CI test views. All three read the same
 * verdict: the gate the named environment would apply, and any thresholds given as flags.
 */
import type { EvalVariant, RunSummary, ScorerComparison, VariantSummary } from "@promptline/core";
import junitModule, { type Builder } from "junit-report-builder";

// CommonJS whose types declare an ES default: at run time the module itself is the builder.
const junit = junitModule as unknown as Builder;

/** A threshold given on the command line, and whether the run met it. */
export interface ThresholdCheck {
  scorer: string;
  variant: string;
  passed: boolean;
  message: string;
}

/** The gate the named environment would apply to the candidate. */
export interface GateVerdict {
  environment: string;
  level: string;
  passed: boolean;
  /** false: the policy names no rule for this level, so the gate lets the candidate through. */
  hasRule?: boolean;
  unmet: ReadonlyArray<{ message: string }>;
}

export interface EvalReportInput {
  run: {
    id: string;
    prompt: string;
    dataset: string;
    revision: number;
    status: string;
    variants: EvalVariant[];
    summary: RunSummary | null;
    progress: { total: number; done: number; errored: number };
  };
  gate?: GateVerdict | undefined;
  /** The environment named; without a `gate` it has no gate policy. */
  environment?: string | undefined;
  thresholds: ThresholdCheck[];
  /** Where the run can be seen in the web workspace. */
  runUrl?: string | undefined;
}

/** Whether the candidate passed: the gate (when one applies) and every threshold. */
export function passed(input: EvalReportInput): boolean {
  return input.gate?.passed !== false && input.thresholds.every((t) => t.passed);
}

const number = (n: number) => n.toFixed(3);
const signed = (n: number) => `${n >= 0 ? "+" : "−"}${Math.abs(n).toFixed(3)}`;

function interval(i: { mean: number; low: number; high: number } | null): string {
  return i ? `${number(i.mean)} [${number(i.low)}, ${number(i.high)}]` : "–";
}

function difference(c: ScorerComparison): string {
  if (!c.difference) return "–";
  const { mean, low, high } = c.difference;
  const p = c.pValue === null ? "" : ` p=${c.pValue < 0.001 ? "<0.001" : c.pValue.toFixed(3)}`;
  return `${signed(mean)} [${signed(low)}, ${signed(high)}]${p}`;
}

/** One row per candidate variant and scorer. */
interface Row {
  variant: string;
  scorer: string;
  candidate: string;
  baseline: string;
  difference: string;
  verdict: string;
}

function variantName(variant: EvalVariant | undefined): string {
  if (!variant) return "?";
  return variant.model ? `${variant.label} · ${variant.model}` : variant.label;
}

function rowsOf(input: EvalReportInput): Row[] {
  const rows: Row[] = [];
  const { variants, summary } = input.run;
  for (const v of summary?.variants ?? []) {
    if (variants[v.variant]?.role !== "candidate") continue;
    for (const s of v.scores) {
      const compared = v.comparison.find((c) => c.scorer === s.scorer);
      rows.push({
        variant: variantName(variants[v.variant]),
        scorer: s.scorer,
        candidate: interval(s.interval),
        baseline: compared ? interval(compared.baseline) : "–",
        difference: compared ? difference(compared) : "–",
        verdict: compared?.verdict ?? "no baseline",
      });
    }
  }
  return rows;
}

const HEADER: Row = {
  variant: "candidate",
  scorer: "scorer",
  candidate: "mean [95 % CI]",
  baseline: "baseline",
  difference: "difference",
  verdict: "verdict",
};

/** The terminal's summary: a table, then what failed. */
export function summaryText(input: EvalReportInput): string {
  const rows = [HEADER, ...rowsOf(input)];
  const keys = Object.keys(HEADER) as Array<keyof Row>;
  const widths = keys.map((k) => Math.max(...rows.map((r) => r[k].length)));
  const lines = rows.map((r) =>
    keys
      .map((k, i) => r[k].padEnd(widths[i] as number))
      .join("  ")
      .trimEnd(),
  );
  const { progress } = input.run;
  lines.unshift(
    `${input.run.prompt} on ${input.run.dataset} r${input.run.revision}: ${progress.done}/${progress.total} calls, ${progress.errored} errors (run ${input.run.id})`,
  );
  const gate = gateSentence(input, (name) => name);
  lines.push("", ...(gate ? [gate] : []), ...failures(input).map((f) => `✗ ${f}`));
  lines.push(passed(input) ? "PASSED" : "FAILED");
  return lines.join("\n");
}

/** What the environment's gate says, if an environment was named. */
function gateSentence(input: EvalReportInput, strong: (name: string) => string): string | null {
  const { gate } = input;
  if (!gate) {
    return input.environment
      ? `${strong(input.environment)} has no gate policy: only the thresholds given decide.`
      : null;
  }
  const change = `for a ${gate.level} change`;
  if (gate.hasRule === false) {
    return `Gate of ${strong(gate.environment)} ${change}: no rule, lets it through.`;
  }
  return `Gate of ${strong(gate.environment)} ${change}: ${gate.passed ? "passes" : strong("refuses")}.`;
}

/** Every reason the candidate did not pass, in words. */
export function failures(input: EvalReportInput): string[] {
  const gate = input.gate;
  return [
    ...(gate && !gate.passed
      ? gate.unmet.map((u) => `${gate.environment} gate (${gate.level}): ${u.message}`)
      : []),
    ...input.thresholds.filter((t) => !t.passed).map((t) => t.message),
  ];
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A report for a pull-request comment. */
export function markdownReport(input: EvalReportInput): string {
  const ok = passed(input);
  const { run } = input;
  const lines = [
    `### ${ok ? "✅" : "❌"} promptline eval: \`${run.prompt}\` on \`${run.dataset}\` (revision ${run.revision})`,
    "",
  ];
  const gate = gateSentence(input, (name) => `**${name}**`);
  if (gate) lines.push(gate, "");
  const rows = rowsOf(input);
  if (rows.length > 0) {
    lines.push(
      "| Candidate | Scorer | Mean [95 % CI] | Baseline | Difference | Verdict |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${cell(r.variant)} | ${cell(r.scorer)} | ${r.candidate} | ${r.baseline} | ${r.difference} | ${r.verdict} |`,
      ),
      "",
    );
  }
  const failed = failures(input);
  if (failed.length > 0) lines.push("**Not met:**", ...failed.map((f) => `- ${cell(f)}`), "");
  const { progress } = run;
  lines.push(
    `${progress.done} of ${progress.total} calls, ${progress.errored} with errors.${input.runUrl ? ` [Open the run](${input.runUrl})` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

/** JUnit XML: a suite per candidate, a test per scorer, a suite for the gate's requirements. */
export function junitReport(input: EvalReportInput): string {
  const builder = junit.newBuilder().name(`promptline eval ${input.run.prompt}`);
  const { variants, summary } = input.run;
  // A scorer's test is named for the scorer alone (its numbers change with every run, and CI
  // test histories follow names); a regression fails it only when the candidate did not pass,
  // so the XML has failures exactly when the exit code says so.
  const failed = !passed(input);
  for (const v of summary?.variants ?? ([] as VariantSummary[])) {
    const variant = variants[v.variant];
    if (variant?.role !== "candidate") continue;
    const suite = builder.testSuite().name(`${input.run.prompt} ${variantName(variant)}`);
    for (const s of v.scores) {
      const compared = v.comparison.find((c) => c.scorer === s.scorer);
      const test = suite
        .testCase()
        .className(`${input.run.prompt}.${input.run.dataset}`)
        .name(s.scorer)
        .standardOutput(
          `mean ${interval(s.interval)}${compared ? `; baseline ${interval(compared.baseline)}; difference ${difference(compared)}; ${compared.verdict}` : ""}`,
        );
      if (compared?.verdict === "regressed" && failed) {
        test.failure(`regressed: ${difference(compared)}`);
      }
    }
  }
  const checks = builder.testSuite().name(`${input.run.prompt} requirements`);
  const gate = input.gate;
  if (gate) {
    const test = checks
      .testCase()
      .className(`${input.run.prompt}.gate`)
      .name(`${gate.environment} gate (${gate.level})`);
    if (!gate.passed) test.failure(gate.unmet.map((u) => u.message).join("\n"));
  }
  for (const t of input.thresholds) {
    const test = checks
      .testCase()
      .className(`${input.run.prompt}.threshold`)
      .name(`${t.scorer} (${t.variant})`);
    if (!t.passed) test.failure(t.message);
  }
  return builder.build();
}

/**
 * Thresholds from flags: each candidate's mean of a scorer at least `min`, and (with
 * `noRegression`) no scorer significantly worse than the baseline.
 */
export function checkThresholds(
  run: EvalReportInput["run"],
  minimums: ReadonlyMap<string, number>,
  noRegression: boolean,
): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  for (const v of run.summary?.variants ?? []) {
    const variant = run.variants[v.variant];
    if (variant?.role !== "candidate") continue;
    const name = variantName(variant);
    for (const [scorer, min] of minimums) {
      const found = v.scores.find((s) => s.scorer === scorer);
      const mean = found?.interval?.mean;
      checks.push({
        scorer,
        variant: name,
        passed: mean !== undefined && mean >= min,
        message:
          mean === undefined
            ? `${name} · ${scorer}: no scores (is the scorer in the run?)`
            : `${name} · ${scorer}: mean ${number(mean)} ${mean >= min ? "meets" : "is below"} the ${number(min)} required`,
      });
    }
    if (noRegression) {
      for (const c of v.comparison) {
        checks.push({
          scorer: c.scorer,
          variant: name,
          passed: c.verdict !== "regressed",
          message: `${name} · ${c.scorer}: ${c.verdict === "regressed" ? `regressed against the baseline, ${difference(c)}` : c.verdict}`,
        });
      }
    }
  }
  return checks;
}
