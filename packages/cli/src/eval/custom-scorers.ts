/**
 * Custom scorers: JavaScript modules on the user's machine for what the built-in scorers miss.
 * The server runs the built-ins; the CLI runs these over the run's outputs and sends the scores
 * back, so they count in the summary, the comparison and the gate like any other scorer.
 *
 *   // scorers/polite.mjs
 *   export const name = "polite";
 *   export default async ({ output, expected, input, tags, metadata }) =>
 *     /please|thank/i.test(String(output)) ? 1 : { score: 0, reason: "no courtesy" };
 *
 * A score is a number in [0, 1], a boolean (1 or 0) or `{score, reason}`. A scorer that throws,
 * answers something else or takes too long is recorded as an error for that case, never a zero.
 */
import { existsSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { MAX_SCORE_REASON, scorerNameSchema } from "@promptline/core";
import { UsageError } from "../errors.js";

/** What a custom scorer is given for one output. */
export interface ScorerArgs {
  output: unknown;
  expected: unknown;
  input: unknown;
  tags: string[];
  metadata: Record<string, unknown>;
  /** Which column of the run made the output, e.g. `{role: "candidate", label: "v3"}`. */
  variant: { role: string; label: string; version: number | null; model: string | null };
}

export type ScorerFunction = (args: ScorerArgs) => unknown;

export interface CustomScorer {
  name: string;
  path: string;
  score: ScorerFunction;
}

/** One score as the run's scores endpoint takes it. */
export interface ScoreOutcome {
  score: number | null;
  reason: string | null;
  error: string | null;
}

/** A scorer that has not answered by then is recorded as an error for that case. */
export const SCORER_TIMEOUT_MS = 60_000;
const MAX_TEXT = 10_000;

/** Imports a scorer module; every way it can be unusable is a usage error naming the file. */
export async function loadCustomScorer(path: string): Promise<CustomScorer> {
  const extension = extname(path);
  if (extension !== ".mjs" && extension !== ".js") {
    throw new UsageError(
      `--custom-scorer ${path}: a scorer is a JavaScript module (.mjs or .js) exporting a default function`,
    );
  }
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new UsageError(`--custom-scorer ${path}: no such file`);
  let module: { default?: unknown; name?: unknown };
  try {
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    throw new UsageError(`--custom-scorer ${path} cannot be loaded: ${(error as Error).message}`);
  }
  if (typeof module.default !== "function") {
    throw new UsageError(
      `--custom-scorer ${path} has no default export: export default async ({output, expected, input, tags, metadata}) => score`,
    );
  }
  const name = module.name === undefined ? basename(path, extension) : module.name;
  const checked = scorerNameSchema.safeParse(name);
  if (!checked.success) {
    throw new UsageError(
      `--custom-scorer ${path}: '${String(name)}' is not a scorer name (${checked.error.issues[0]?.message}); export const name = "…" to choose one`,
    );
  }
  return { name: checked.data, path, score: module.default as ScorerFunction };
}

/** Loads every module and checks that no two scorers (built-in or custom) share a name. */
export async function loadCustomScorers(
  paths: string[],
  builtInNames: string[],
): Promise<CustomScorer[]> {
  const scorers: CustomScorer[] = [];
  const taken = new Map(builtInNames.map((name) => [name, "a --scorer"]));
  for (const path of paths) {
    const scorer = await loadCustomScorer(path);
    const other = taken.get(scorer.name);
    if (other) {
      throw new UsageError(
        `--custom-scorer ${path} is named '${scorer.name}', like ${other}: give it another name (export const name = "…")`,
      );
    }
    taken.set(scorer.name, path);
    scorers.push(scorer);
  }
  return scorers;
}

/** Runs one scorer on one output and reads its answer; never throws. */
export async function runScorer(
  scorer: CustomScorer,
  args: ScorerArgs,
  timeoutMs = SCORER_TIMEOUT_MS,
): Promise<ScoreOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    const answer = await Promise.race([Promise.resolve().then(() => scorer.score(args)), timedOut]);
    return outcomeOf(answer);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failed(`${scorer.name} threw: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A number in [0, 1], a boolean, or `{score, reason}`; anything else is the scorer's error. */
export function outcomeOf(answer: unknown): ScoreOutcome {
  if (answer !== null && typeof answer === "object" && "score" in answer) {
    const { score, reason } = answer as { score: unknown; reason?: unknown };
    const outcome = outcomeOf(score);
    if (outcome.error !== null || reason === undefined || reason === null) return outcome;
    return { ...outcome, reason: clip(String(reason), MAX_SCORE_REASON) };
  }
  if (typeof answer === "boolean") return { score: answer ? 1 : 0, reason: null, error: null };
  if (typeof answer === "number") {
    if (Number.isFinite(answer) && answer >= 0 && answer <= 1) {
      return { score: answer, reason: null, error: null };
    }
    return failed(`returned ${answer}, not a score in [0, 1]`);
  }
  return failed(
    `returned ${describe(answer)}: a scorer returns a number in [0, 1], a boolean, or {score, reason}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `the text ${JSON.stringify(clip(value, 40))}`;
  return `a${typeof value === "object" ? "n object" : ` ${typeof value}`}`;
}

const failed = (error: string): ScoreOutcome => ({ score: null, reason: null, error: clip(error) });

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
