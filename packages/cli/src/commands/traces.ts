import type { Command, OptionValues } from "commander";
import { commandContext, parseNumber, parseVersion } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";

const money = (usd: number | null) => (usd === null ? null : `$${usd.toFixed(6)}`);
const ms = (value: number | null) => (value === null ? null : `${Math.round(value)} ms`);

/** Thumbs and booleans as the words people type; anything else must be a number. */
const FEEDBACK_WORDS = new Map([
  ["up", true],
  ["down", false],
  ["true", true],
  ["false", false],
]);

/** The options that narrow traces: `traces list` and `datasets from-traces` take the same ones. */
export function traceFilterOptions(command: Command): Command {
  return command
    .option("--prompt <name>")
    .option("--version <n>", "prompt version", parseVersion)
    .option("--label <env>")
    .option("--model <model>")
    .option("--status <status>", "ok or error")
    .option("--origin <origin>", "production (applications' calls), playground or all")
    .option("--user <id>")
    .option("--from <time>", "ISO time")
    .option("--to <time>", "ISO time");
}

/** The trace filter those options give, in the API's field names. */
export function traceFilterOf(opts: OptionValues) {
  return {
    prompt: opts.prompt,
    version: opts.version,
    label: opts.label,
    model: opts.model,
    status: opts.status,
    origin: opts.origin,
    userId: opts.user,
    from: opts.from,
    to: opts.to,
  };
}

export function registerTraceCommands(program: Command, io: Io): void {
  const traces = program.command("traces").description("LLM calls recorded in production");
  traceFilterOptions(traces.command("list").description("traces, newest first"))
    .option("--variant <variant>", "the rollout variant that served them: control or candidate")
    .option("-s, --search <text>", "text in input, output or error")
    .option("--limit <n>", "at most this many", parseNumber("--limit"), 50)
    .option("--cursor <cursor>", "nextCursor of the previous page")
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const page = await ctx.api.traces.list({
        ...traceFilterOf(opts),
        variant: opts.variant,
        q: opts.search,
        limit: opts.limit,
        cursor: opts.cursor,
      });
      emit(io, ctx.json, page, () =>
        [
          table(
            ["id", "started", "prompt", "model", "status", "latency", "tokens", "cost"],
            page.items.map((t) => [
              t.id,
              t.startTime,
              t.prompt
                ? `${t.prompt.name}${t.prompt.version ? ` v${t.prompt.version}` : ""}`
                : null,
              t.model,
              t.status,
              ms(t.latencyMs),
              t.usage.totalTokens,
              money(t.cost),
            ]),
          ),
          ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : []),
        ].join("\n"),
      );
    });
  traces
    .command("show <id>")
    .description("one trace with input, output and scores")
    .action(async (id: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const trace = await ctx.api.traces.get(id);
      emit(io, ctx.json, trace, () => JSON.stringify(trace, null, 2));
    });

  program
    .command("feedback <traceId> <value>")
    .description("attach a score to a trace: up/down, true/false or a number")
    .option("--name <name>", "the score's name", "feedback")
    .option("-c, --comment <text>")
    .action(async (traceId: string, raw: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const value = FEEDBACK_WORDS.get(raw) ?? Number(raw);
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new UsageError(`the value is up, down, true, false or a number, not '${raw}'`);
      }
      const score = await ctx.api.traces.score(traceId, {
        name: opts.name,
        value,
        comment: opts.comment,
      });
      emit(io, ctx.json, score, () => `scored ${traceId}: ${score.name} = ${score.value}`);
    });

  program
    .command("metrics <prompt>")
    .description("calls, error rate, latency, tokens, cost and feedback per version")
    .option("--from <time>", "ISO time (default: 30 days ago)")
    .option("--to <time>", "ISO time (default: now)")
    .option("--label <env>", "only calls served through this label")
    .option("--bucket <bucket>", "hour or day", "day")
    .option("--origin <origin>", "production (default), playground or all")
    .option("--by-variant", "split each version by the rollout variant that served its calls")
    .action(async (prompt: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const metrics = await ctx.api.traces.versionMetrics({
        prompt,
        bucket: opts.bucket,
        ...(opts.byVariant && { groupBy: "variant" as const }),
        ...(opts.origin && { origin: opts.origin }),
        ...(opts.from && { from: opts.from }),
        ...(opts.to && { to: opts.to }),
        ...(opts.label && { label: opts.label }),
      });
      emit(io, ctx.json, metrics, () =>
        table(
          [
            "version",
            "calls",
            "error rate",
            "p50",
            "p95",
            "p99",
            "tokens in/out",
            "cost",
            "cost/call",
            "feedback",
          ],
          metrics.versions.map((v) => [
            `${v.version === null ? "(none)" : `v${v.version}`}${opts.byVariant ? ` ${v.variant ?? "(no rollout)"}` : ""}`,
            v.calls,
            `${(v.errorRate * 100).toFixed(1)}%`,
            ms(v.latencyP50),
            ms(v.latencyP95),
            ms(v.latencyP99),
            `${v.inputTokens}/${v.outputTokens}`,
            money(v.cost),
            money(v.avgCostPerCall),
            v.scores.feedback
              ? `${v.scores.feedback.mean.toFixed(2)} (${v.scores.feedback.count})`
              : null,
          ]),
        ),
      );
    });
}
