/**
 * The flags of `promptline eval`, checked and turned into a plan before anything is sent: a
 * mistake on the command line is a usage error (exit 2) with the flag named, never a half-made
 * run on the server.
 */
import { readFileSync } from "node:fs";
import { type ScorerSpec, scorerNameSchema, scorerSpecSchema } from "@promptline/core";
import { parseVersion } from "../context.js";
import { UsageError } from "../errors.js";

/** What to evaluate; a file is read (and validated) by the command, not here. */
export type CandidateChoice =
  | { version: number }
  | { label: string }
  | { draft: true }
  | { file: string };

/** What to compare with, before the command asks whether a name is an environment or a label. */
export type BaselineChoice =
  | { default: true }
  | { none: true }
  | { version: number }
  | { name: string };

export interface EvalModelChoice {
  provider?: string;
  model?: string;
}

export interface EvalPlan {
  prompt: string;
  dataset: string;
  revision?: number;
  candidate: CandidateChoice;
  baseline: BaselineChoice;
  environment: string;
  level?: "patch" | "minor" | "major";
  scorers: ScorerSpec[];
  customScorers: string[];
  minimums: Map<string, number>;
  noRegression: boolean;
  models: EvalModelChoice[];
  concurrency?: number;
  timeoutMs: number;
  junit?: string;
  markdown?: string;
  reportJson?: string;
}

/** The raw options as commander hands them over. */
export interface EvalFlags {
  dataset: string;
  revision?: string;
  file?: string;
  version?: string;
  label?: string;
  draft?: boolean;
  baseline?: string;
  env: string;
  level?: string;
  scorer?: string[];
  customScorer?: string[];
  min?: string[];
  /** commander's name for `--no-regression`: false when it is given. */
  regression?: boolean;
  model?: string[];
  concurrency?: string;
  timeout: string;
  junit?: string;
  markdown?: string;
  reportJson?: string;
}

const MAX_TIMEOUT_SECONDS = 24 * 3600;

export function planFromFlags(prompt: string, flags: EvalFlags): EvalPlan {
  const plan: EvalPlan = {
    prompt,
    dataset: flags.dataset,
    candidate: candidateOf(flags),
    baseline: baselineOf(flags.baseline),
    environment: flags.env,
    scorers: (flags.scorer ?? []).flatMap(scorersOf),
    customScorers: flags.customScorer ?? [],
    minimums: minimumsOf(flags.min ?? []),
    noRegression: flags.regression === false,
    models: (flags.model ?? []).map(modelOf),
    timeoutMs: timeoutOf(flags.timeout),
  };
  if (flags.revision !== undefined) plan.revision = positive("--revision", flags.revision);
  if (flags.level !== undefined) plan.level = levelOf(flags.level);
  if (flags.concurrency !== undefined) {
    plan.concurrency = positive("--concurrency", flags.concurrency);
    if (plan.concurrency > 32) throw new UsageError("--concurrency is at most 32");
  }
  if (plan.models.length > 3) throw new UsageError("at most 3 --model");
  if (plan.scorers.length === 0) {
    throw new UsageError(
      'give at least one --scorer (e.g. --scorer \'{"type":"equals"}\'); --custom-scorer modules run on the outputs those runs make',
    );
  }
  for (const [key, value] of [
    ["--junit", flags.junit],
    ["--markdown", flags.markdown],
    ["--report-json", flags.reportJson],
  ] as const) {
    if (value === "") throw new UsageError(`${key} needs a file path`);
  }
  if (flags.junit) plan.junit = flags.junit;
  if (flags.markdown) plan.markdown = flags.markdown;
  if (flags.reportJson) plan.reportJson = flags.reportJson;
  return plan;
}

function candidateOf(flags: EvalFlags): CandidateChoice {
  const given: CandidateChoice[] = [];
  if (flags.file !== undefined) given.push({ file: flags.file });
  if (flags.version !== undefined) given.push({ version: parseVersion(flags.version) });
  if (flags.label !== undefined) given.push({ label: flags.label });
  if (flags.draft) given.push({ draft: true });
  const [only, ...more] = given;
  if (!only || more.length > 0) {
    throw new UsageError(
      "name exactly one candidate: --file PATH, --version N, --label LABEL or --draft",
    );
  }
  return only;
}

function baselineOf(value: string | undefined): BaselineChoice {
  if (value === undefined) return { default: true };
  if (value === "none") return { none: true };
  const number = /^v?(\d+)$/.exec(value)?.[1];
  if (number !== undefined) return { version: parseVersion(number) };
  if (value.trim() === "")
    throw new UsageError("--baseline needs a version, a label, an environment or 'none'");
  return { name: value };
}

function levelOf(value: string): "patch" | "minor" | "major" {
  if (value === "patch" || value === "minor" || value === "major") return value;
  throw new UsageError(`--level is patch, minor or major, not '${value}'`);
}

/** `--scorer '{"type":"contains","values":["refund"]}'` or `--scorer @scorers.json` (one or a list). */
function scorersOf(value: string): ScorerSpec[] {
  let text = value;
  let where = "--scorer";
  if (value.startsWith("@")) {
    const path = value.slice(1);
    where = path;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read the scorer file ${path}: ${(error as Error).message}`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${where} is not JSON: ${(error as Error).message} (give a scorer like '{"type":"equals"}' or @file.json)`,
    );
  }
  const specs = Array.isArray(data) ? data : [data];
  return specs.map((spec, i) => {
    const parsed = scorerSpecSchema.safeParse(spec);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
    const which = specs.length > 1 ? ` (scorer ${i + 1})` : "";
    throw new UsageError(`${where}${which} is not a valid scorer: ${issues.join("; ")}`);
  });
}

/** `--min exact=0.8`: the candidate's mean of that scorer must be at least 0.8. */
function minimumsOf(values: string[]): Map<string, number> {
  const minimums = new Map<string, number>();
  for (const value of values) {
    const at = value.lastIndexOf("=");
    const scorer = value.slice(0, at);
    const mean = Number(value.slice(at + 1));
    if (at <= 0 || value.slice(at + 1).trim() === "" || !Number.isFinite(mean)) {
      throw new UsageError(`--min is SCORER=MEAN (e.g. --min exact=0.8), not '${value}'`);
    }
    if (!scorerNameSchema.safeParse(scorer).success) {
      throw new UsageError(`--min ${value}: '${scorer}' is not a scorer name`);
    }
    if (mean < 0 || mean > 1) throw new UsageError(`--min ${value}: the mean is between 0 and 1`);
    minimums.set(scorer, mean);
  }
  return minimums;
}

/**
 * `--model gpt-4o-mini` (the candidate's own connection) or `--model openai:gpt-4o-mini`; the
 * connection is what comes before the first colon, so `--model :llama3:8b` names a model with
 * colons on the candidate's connection.
 */
function modelOf(value: string): EvalModelChoice {
  const at = value.indexOf(":");
  const provider = at === -1 ? "" : value.slice(0, at);
  const model = at === -1 ? value : value.slice(at + 1);
  if (model === "") throw new UsageError(`--model is [PROVIDER:]MODEL, not '${value}'`);
  return provider ? { provider, model } : { model };
}

function timeoutOf(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(
      `--timeout is a number of seconds between 0 and ${MAX_TIMEOUT_SECONDS}, not '${value}'`,
    );
  }
  return Math.round(seconds * 1000);
}

function positive(option: string, value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) {
    throw new UsageError(`${option} is a whole number from 1, not '${value}'`);
  }
  return Number(value);
}
