import type { Command } from "commander";
import { commandContext, parseNumber } from "../context.js";
import { emit, type Io, table } from "../output.js";

export function registerPriceCommands(program: Command, io: Io): void {
  const prices = program
    .command("prices")
    .description("model prices (USD per million tokens) that turn token usage into cost");
  prices
    .command("list")
    .description("the project's prices and the defaults")
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const { items } = await ctx.api.prices.list();
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
    .requiredOption("--input <usd>", "USD per million input tokens", parseNumber("--input"))
    .requiredOption("--output <usd>", "USD per million output tokens", parseNumber("--output"))
    .action(async (model: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const price = await ctx.api.prices.set(model, {
        inputPerMillion: opts.input,
        outputPerMillion: opts.output,
      });
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
      const ctx = await commandContext(command, io);
      await ctx.api.prices.remove(model);
      emit(io, ctx.json, { removed: model }, () => `removed the project's price for ${model}`);
    });
}
