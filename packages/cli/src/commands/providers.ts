import type { Command } from "commander";
import { commandContext, parseNumber } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";

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

/** The options `add` and `set` share: how to reach the provider. */
function connectionOptions(command: Command): Command {
  return command
    .option("--base-url <url>", "the API's base URL, e.g. https://api.openai.com/v1")
    .option("--key-env <VAR>", "read the provider's API key from this environment variable")
    .option("--key-header <name>", "send the key raw in this header (Azure: api-key)")
    .option("--default-model <model>", "the model used when a request or prompt names none")
    .option("--timeout-ms <ms>", "per-attempt timeout", parseNumber("--timeout-ms"))
    .option("--retries <n>", "retries on 429/5xx", parseNumber("--retries"));
}

export function registerProviderCommands(program: Command, io: Io): void {
  const providers = program
    .command("providers")
    .description("provider connections: OpenAI-compatible, Anthropic, echo (keys are write-only)");
  providers
    .command("list")
    .description("list connections (keys are shown masked)")
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const { items } = await ctx.api.providers.list();
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
  connectionOptions(
    providers
      .command("add <name>")
      .description("connect a provider")
      .requiredOption("--kind <kind>", "openai, anthropic or echo"),
  ).action(async (name: string, opts, command: Command) => {
    const ctx = await commandContext(command, io);
    const created = await ctx.api.providers.create({
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
    const ctx = await commandContext(command, io);
    const apiKey = opts.key === false ? null : providerKey(io, opts.keyEnv);
    const changed = await ctx.api.providers.update(name, {
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
      const ctx = await commandContext(command, io);
      await ctx.api.providers.remove(name);
      emit(io, ctx.json, { removed: name }, () => `removed provider '${name}'`);
    });
}
