/** `promptline online-eval`: which share of an environment's production calls is scored, and how. */
import type { Api } from "@promptline/client";
import type { Command } from "commander";
import { collect, commandContext, parseNumber } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";

type ScorerSpecInput = Parameters<Api["onlineEvaluations"]["set"]>[2]["scorers"][number];

/**
 * Each --scorer is one scorer spec as JSON, e.g. '{"type":"contains","values":["refund"]}'. Only
 * the JSON is checked here: the server checks the spec and answers 400 naming what to fix.
 */
function parseScorers(values: string[]): ScorerSpecInput[] {
  return values.map((value) => {
    try {
      return JSON.parse(value) as ScorerSpecInput;
    } catch (error) {
      throw new UsageError(
        `--scorer must be a JSON object such as '{"type":"json-valid"}', got '${value}' (${(error as Error).message})`,
      );
    }
  });
}

const scorerNames = (scorers: Array<{ type: string; name?: string | undefined }>) =>
  scorers.map((s) => s.name ?? s.type).join(", ");

export function registerOnlineEvalCommands(program: Command, io: Io): void {
  const onlineEval = program
    .command("online-eval")
    .description("score a sample of production calls in the background (online evaluation)");
  onlineEval
    .command("list")
    .description("the online-evaluation rules")
    .option("--prompt <name>", "only this prompt's rules")
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const rules = await ctx.api.onlineEvaluations.list(
        opts.prompt ? { prompt: opts.prompt } : {},
      );
      emit(io, ctx.json, rules, () =>
        rules.items.length === 0
          ? "no online-evaluation rules"
          : table(
              ["prompt", "environment", "rate", "scorers", "updated by"],
              rules.items.map((r) => [
                r.prompt,
                r.environment,
                r.rate,
                scorerNames(r.scorers),
                r.updatedBy,
              ]),
            ),
      );
    });
  onlineEval
    .command("set <prompt> <environment>")
    .description("score a share of the prompt's production calls in the environment")
    .requiredOption(
      "--rate <share>",
      "share of calls scored, 0 to 1 (0.1 is one in ten)",
      parseNumber("--rate"),
    )
    .requiredOption(
      "--scorer <json>",
      `a scorer as JSON, e.g. '{"type":"contains","values":["refund"]}' (repeatable)`,
      collect,
    )
    .action(async (prompt: string, environment: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const rule = await ctx.api.onlineEvaluations.set(prompt, environment, {
        rate: opts.rate,
        scorers: parseScorers(opts.scorer),
      });
      emit(
        io,
        ctx.json,
        rule,
        () =>
          `${rule.prompt} in ${rule.environment}: ${rule.rate * 100}% of production calls scored by ${scorerNames(rule.scorers)}`,
      );
    });
  onlineEval
    .command("remove <prompt> <environment>")
    .description("stop scoring the prompt's calls in the environment")
    .action(async (prompt: string, environment: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      await ctx.api.onlineEvaluations.remove(prompt, environment);
      emit(
        io,
        ctx.json,
        { removed: { prompt, environment } },
        () => `${prompt} in ${environment}: no longer scored`,
      );
    });
}
