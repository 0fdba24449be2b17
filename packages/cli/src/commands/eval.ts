import type { Command } from "commander";
import { collect } from "../context.js";
import type { Io } from "../output.js";

/**
 * `promptline eval`: evaluates a candidate (a prompt file, a version, a label or the draft) on a
 * dataset against a baseline, for CI. The work is in ../eval/, loaded only when the command runs.
 */
export function registerEvalCommand(program: Command, io: Io): void {
  program
    .command("eval <prompt>")
    .description(
      "evaluate a candidate on a dataset against a baseline; exit 0 when the environment's gate and every --min pass, 1 when not",
    )
    .requiredOption("--dataset <name>", "the dataset to run")
    .option("--revision <n>", "the dataset's revision (default: the latest)")
    .option("-f, --file <path>", "candidate: a prompt file (YAML/JSON), not published")
    .option("--version <n>", "candidate: a published version")
    .option("--label <label>", "candidate: the version a label points to")
    .option("--draft", "candidate: the prompt's draft")
    .option(
      "--baseline <ref>",
      "a version, a label, an environment, or 'none' (default: what --env serves)",
    )
    .option(
      "-e, --env <environment>",
      "whose gate decides, and whose version is the baseline",
      "production",
    )
    .option("--level <level>", "the bump level the gate judges: patch, minor or major")
    .option(
      "--scorer <json>",
      "a scorer spec as JSON, or @file.json with one or a list (repeatable)",
      collect,
    )
    .option(
      "--custom-scorer <module>",
      "a .mjs/.js module scoring each output here (repeatable)",
      collect,
    )
    .option(
      "--min <scorer=mean>",
      "the candidate's mean of a scorer must reach this (repeatable)",
      collect,
    )
    .option("--no-regression", "fail when any scorer is significantly worse than the baseline")
    .option(
      "--model <[provider:]model>",
      "run with this model instead of the prompt's (repeatable, up to 3)",
      collect,
    )
    .option("--concurrency <n>", "calls at once on the server (1–32)")
    .option("--junit <file>", "write JUnit XML here")
    .option("--markdown <file>", "write a markdown report (for a pull-request comment) here")
    .option(
      "--report-json <file>",
      "write the run, the gate's verdict and the thresholds as JSON here",
    )
    .option("--timeout <seconds>", "cancel the run if it has not finished by then", "1800")
    .action(async (prompt: string, opts, command: Command) => {
      const { runEval } = await import("../eval/run-eval.js");
      await runEval(prompt, opts, command, io);
    });
}
