import type {
  ModelPriceView,
  Provider,
  Score,
  TraceDetail,
  TraceSummary,
  VersionMetrics,
} from "@promptline/core";
import type { Command } from "commander";
import { commandContext, parseVersion } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";

const enc = encodeURIComponent;

/**
 * The provider key comes from an environment variable named on the command line, never from
 * the command line itself: arguments are visible to every user in `ps`.
 */
function providerKey(io: Io, variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = io.env[variable];
  if (!value) throw new UsageError(`--key-env ${variable}: that environment variable is not set`);
  return value;
}

function number(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`${name} must be a number, got '${value}'`);
    return n;
  };
}

const money = (usd: number | null) => (usd === null ? null : `$${usd.toFixed(6)}`);
const ms = (value: number | null) => (value === null ? null : `${Math.round(value)} ms`);

export function registerObservabilityCommands(program: Command, io: Io): void {
  const providers = program
    .command("providers")
    .description("provider connections: OpenAI-compatible, Anthropic, echo (keys are write-only)");
  providers
    .command("list")
    .description("list connections (keys are shown masked)")
    .action(async (_opts, command: Command) => {
      const ctx = commandContext(command, io);
      const { items } = await ctx.api.request<{ items: Provider[] }>("GET", "/api/v1/providers");
      emit(io, ctx.json, { items }, () =>
        table(
          ["name", "kind", "base URL", "key", "default model", "timeout", "retries"],
          items.map((p) => [
            p.name,
            p.kind,
            p.baseUrl,
            p.apiKeyHint,
            p.defaultModel,
            `${p.timeoutMs} ms`,
            p.maxRetries,
          ]),
        ),
      );
    });
  const connectionOptions = (command: Command) =>
    command
      .option("--base-url <url>", "the API's base URL, e.g. https://api.openai.com/v1")
      .option("--key-env <VAR>", "read the provider's API key from this environment variable")
      .option("--key-header <name>", "send the key raw in this header (Azure: api-key)")
      .option("--default-model <model>", "the model used when a request or prompt names none")
      .option("--timeout-ms <ms>", "per-attempt timeout", number("--timeout-ms"))
      .option("--retries <n>", "retries on 429/5xx", number("--retries"));
  connectionOptions(
    providers
      .command("add <name>")
      .description("connect a provider")
      .requiredOption("--kind <kind>", "openai, anthropic or echo"),
  ).action(async (name: string, opts, command: Command) => {
    const ctx = commandContext(command, io);
    const created = await ctx.api.request<Provider>("POST", "/api/v1/providers", {
      name,
      kind: opts.kind,
      baseUrl: opts.baseUrl,
      apiKey: providerKey(io, opts.keyEnv),
      apiKeyHeader: opts.keyHeader,
      defaultModel: opts.defaultModel,
      timeoutMs: opts.timeoutMs,
      maxRetries: opts.retries,
    });
    emit(io, ctx.json, created, () => `connected ${created.kind} provider '${created.name}'`);
  });
  connectionOptions(
    providers
      .command("set <name>")
      .description("change a connection")
      .option("--no-key", "remove the stored key"),
  ).action(async (name: string, opts, command: Command) => {
    const ctx = commandContext(command, io);
    const apiKey = opts.key === false ? null : providerKey(io, opts.keyEnv);
    const changed = await ctx.api.request<Provider>("PATCH", `/api/v1/providers/${enc(name)}`, {
      baseUrl: opts.baseUrl,
      apiKey,
      apiKeyHeader: opts.keyHeader,
      defaultModel: opts.defaultModel,
      timeoutMs: opts.timeoutMs,
      maxRetries: opts.retries,
    });
    emit(io, ctx.json, changed, () => `changed provider '${changed.name}'`);
  });
  providers
    .command("remove <name>")
    .description("remove a connection")
    .action(async (name: string, _opts, command: Command) => {
      const ctx = commandContext(command, io);
      await ctx.api.request("DELETE", `/api/v1/providers/${enc(name)}`);
      emit(io, ctx.json, { removed: name }, () => `removed provider '${name}'`);
    });

  const prices = program
    .command("prices")
    .description("model prices (USD per million tokens) that turn token usage into cost");
  prices
    .command("list")
    .description("the project's prices and the defaults")
    .action(async (_opts, command: Command) => {
      const ctx = commandContext(command, io);
      const { items } = await ctx.api.request<{ items: ModelPriceView[] }>(
        "GET",
        "/api/v1/model-prices",
      );
      emit(io, ctx.json, { items }, () =>
        table(
          ["model", "input $/M", "output $/M", "source"],
          items.map((p) => [p.model, p.inputPerMillion, p.outputPerMillion, p.source]),
        ),
      );
    });
  prices
    .command("set <model>")
    .description("set the project's price for a model (also covers its dated snapshots)")
    .requiredOption("--input <usd>", "USD per million input tokens", number("--input"))
    .requiredOption("--output <usd>", "USD per million output tokens", number("--output"))
    .action(async (model: string, opts, command: Command) => {
      const ctx = commandContext(command, io);
      const price = await ctx.api.request<ModelPriceView>(
        "PUT",
        `/api/v1/model-prices/${enc(model)}`,
        { inputPerMillion: opts.input, outputPerMillion: opts.output },
      );
      emit(
        io,
        ctx.json,
        price,
        () =>
          `${price.model}: $${price.inputPerMillion} in, $${price.outputPerMillion} out per million tokens`,
      );
    });
  prices
    .command("unset <model>")
    .description("remove the project's own price (the default applies again)")
    .action(async (model: string, _opts, command: Command) => {
      const ctx = commandContext(command, io);
      await ctx.api.request("DELETE", `/api/v1/model-prices/${enc(model)}`);
      emit(io, ctx.json, { removed: model }, () => `removed the project's price for ${model}`);
    });

  const traces = program.command("traces").description("LLM calls recorded in production");
  traces
    .command("list")
    .description("traces, newest first")
    .option("--prompt <name>")
    .option("--version <n>", "prompt version", parseVersion)
    .option("--label <env>")
    .option("--model <model>")
    .option("--status <status>", "ok or error")
    .option("--user <id>")
    .option("--from <time>", "ISO time")
    .option("--to <time>", "ISO time")
    .option("-s, --search <text>", "text in input, output or error")
    .option("--limit <n>", "at most this many", number("--limit"), 50)
    .option("--cursor <cursor>", "nextCursor of the previous page")
    .action(async (opts, command: Command) => {
      const ctx = commandContext(command, io);
      const query = new URLSearchParams();
      const filters: Record<string, unknown> = {
        prompt: opts.prompt,
        version: opts.version,
        label: opts.label,
        model: opts.model,
        status: opts.status,
        userId: opts.user,
        from: opts.from,
        to: opts.to,
        q: opts.search,
        limit: opts.limit,
        cursor: opts.cursor,
      };
      for (const [key, value] of Object.entries(filters)) {
        if (value !== undefined) query.set(key, String(value));
      }
      const page = await ctx.api.request<{ items: TraceSummary[]; nextCursor: string | null }>(
        "GET",
        `/api/v1/traces?${query}`,
      );
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
      const ctx = commandContext(command, io);
      const trace = await ctx.api.request<TraceDetail>("GET", `/api/v1/traces/${enc(id)}`);
      emit(io, ctx.json, trace, () => JSON.stringify(trace, null, 2));
    });

  program
    .command("feedback <traceId> <value>")
    .description("attach a score to a trace: up/down, true/false or a number")
    .option("--name <name>", "the score's name", "feedback")
    .option("-c, --comment <text>")
    .action(async (traceId: string, raw: string, opts, command: Command) => {
      const ctx = commandContext(command, io);
      const words: Record<string, boolean> = { up: true, down: false, true: true, false: false };
      const value = raw in words ? words[raw] : Number(raw);
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new UsageError(`the value is up, down, true, false or a number, not '${raw}'`);
      }
      const score = await ctx.api.request<Score>("POST", `/api/v1/traces/${enc(traceId)}/scores`, {
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
    .action(async (prompt: string, opts, command: Command) => {
      const ctx = commandContext(command, io);
      const query = new URLSearchParams({ prompt, bucket: opts.bucket });
      if (opts.from) query.set("from", opts.from);
      if (opts.to) query.set("to", opts.to);
      if (opts.label) query.set("label", opts.label);
      const metrics = await ctx.api.request<VersionMetrics>(
        "GET",
        `/api/v1/metrics/versions?${query}`,
      );
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
            v.version === null ? "(none)" : `v${v.version}`,
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
