/**
 * `promptline eval`, start to end: check everything local (flags, the prompt file, the custom
 * scorer modules), start the run, watch it, score it with the custom scorers, ask the gate, then
 * print and write the reports. Exit 0 only when the gate and every threshold pass.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type ApiClient, ApiError } from "@promptline/client";
import { type EvalRun, type GateVerdict, scorerName } from "@promptline/core";
import type { Command } from "commander";
import { type CommandContext, commandContext } from "../context.js";
import { UsageError } from "../errors.js";
import type { Io } from "../output.js";
import { readPromptFile } from "../prompt-file.js";
import { loadCustomScorers } from "./custom-scorers.js";
import { type EvalFlags, type EvalPlan, planFromFlags } from "./options.js";
import { progressView } from "./progress.js";
import {
  checkThresholds,
  type EvalReportInput,
  failures,
  junitReport,
  markdownReport,
  passed,
  summaryText,
} from "./reports.js";
import { scoreRun } from "./score-run.js";
import { waitForRun } from "./wait.js";

/** The candidate did not pass: the gate refused it or a threshold was not met (exit 1). */
export class EvalFailed extends Error {}

export async function runEval(
  prompt: string,
  flags: EvalFlags,
  command: Command,
  io: Io,
): Promise<void> {
  const plan = planFromFlags(prompt, flags);
  // A file is validated here, before anything is sent, and named by its path in the results.
  const candidate =
    "file" in plan.candidate
      ? { content: readPromptFile(plan.candidate.file), label: `file:${plan.candidate.file}` }
      : plan.candidate;
  const custom = await loadCustomScorers(plan.customScorers, plan.scorers.map(scorerName));
  const ctx = await commandContext(command, io);
  const { api } = ctx;

  const policy = (await api.gates.get(plan.environment)).policy;
  if (policy && !plan.level && !("version" in plan.candidate) && !("label" in plan.candidate)) {
    throw new UsageError(
      `${plan.environment} has a gate policy, and ${"file" in plan.candidate ? "a file" : "the draft"} has no semantic version to take the bump level from: give --level patch, minor or major`,
    );
  }
  const created = await api.evalRuns.create({
    prompt: plan.prompt,
    dataset: plan.dataset,
    ...(plan.revision !== undefined && { revision: plan.revision }),
    candidates: [candidate],
    ...(await baselineOf(ctx, plan)),
    ...(plan.models.length > 0 && { models: plan.models }),
    scorers: plan.scorers,
    environment: plan.environment,
    ...(plan.concurrency !== undefined && { concurrency: plan.concurrency }),
  });

  let run = await watch(api, created, plan, ctx);
  if (run.status !== "completed") {
    throw new Error(
      `run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ""} (${run.progress.done}/${run.progress.total} calls done)`,
    );
  }
  if (custom.length > 0) {
    if (!ctx.json) io.stderr(`scoring with ${custom.map((s) => s.name).join(", ")} …`);
    const report = await scoreRun(
      {
        results: (query) => api.evalRuns.results(run.id, query),
        submitScores: (scores) => api.evalRuns.submitScores(run.id, { scores }),
      },
      run.variants,
      custom,
    );
    if (!ctx.json) {
      io.stderr(`scored ${report.scored} outputs, ${report.errors} scorer errors`);
    }
    run = await api.evalRuns.get(run.id);
  }

  const gate = policy ? await gateOf(api, run, plan) : undefined;
  const input: EvalReportInput = {
    run,
    gate,
    environment: plan.environment,
    thresholds: checkThresholds(run, plan.minimums, plan.noRegression),
    runUrl: runUrlOf(ctx, gate, run.id),
  };
  writeReports(plan, input);
  io.stdout(ctx.json ? jsonReport(input) : summaryText(input));
  if (!passed(input)) {
    throw new EvalFailed(`the candidate did not pass: ${failures(input).join("; ")}`);
  }
}

/** The run, watched to its end with a progress view; Ctrl-C cancels it. */
async function watch(api: ApiClient, run: EvalRun, plan: EvalPlan, ctx: CommandContext) {
  const view = progressView(ctx.io, ctx.json, run.id);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    return await waitForRun(api.evalRuns, run, {
      timeoutMs: plan.timeoutMs,
      signal: interrupt.signal,
      onProgress: (r) => view.update(r.progress, r.status),
    });
  } finally {
    view.stop();
    process.off("SIGINT", onSigint);
  }
}

/** `--baseline`: a version, `none`, an environment's (by name) or a label's version. */
async function baselineOf(ctx: CommandContext, plan: EvalPlan) {
  const { baseline } = plan;
  if ("default" in baseline) return {};
  if ("none" in baseline) return { baseline: null };
  if ("version" in baseline) return { baseline: { version: baseline.version } };
  const environments = await ctx.api.environments.list();
  return environments.items.some((e) => e.name === baseline.name)
    ? { baseline: { environment: baseline.name } }
    : { baseline: { label: baseline.name } };
}

async function gateOf(api: ApiClient, run: EvalRun, plan: EvalPlan): Promise<GateVerdict> {
  try {
    return await api.gates.runGate(run.id, {
      environment: plan.environment,
      ...(plan.level && { level: plan.level }),
    });
  } catch (error) {
    // Only a candidate without a semantic version asks for a level (checked above for files
    // and the draft; a label may point nowhere yet).
    if (error instanceof ApiError && error.status === 400) {
      throw new UsageError(`the gate of ${plan.environment}: ${error.message} (give --level)`);
    }
    throw error;
  }
}

function runUrlOf(ctx: CommandContext, gate: GateVerdict | undefined, id: string) {
  const path = gate?.runs.find((r) => r.id === id)?.url ?? `/evaluations/${encodeURIComponent(id)}`;
  return new URL(path, `${ctx.api.http.baseUrl}/`).toString();
}

function writeReports(plan: EvalPlan, input: EvalReportInput): void {
  const files: Array<[string | undefined, () => string]> = [
    [plan.junit, () => junitReport(input)],
    [plan.markdown, () => markdownReport(input)],
    [plan.reportJson, () => `${jsonReport(input)}\n`],
  ];
  for (const [path, text] of files) {
    if (!path) continue;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text());
    } catch (error) {
      throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
    }
  }
}

/** What --json prints and --report-json writes. */
function jsonReport(input: EvalReportInput): string {
  const { run, gate, thresholds } = input;
  return JSON.stringify({ run, gate: gate ?? null, thresholds, passed: passed(input) }, null, 2);
}
