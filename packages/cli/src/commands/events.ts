import type { Command } from "commander";
import { collect, commandContext } from "../context.js";
import { emit, type Io, table } from "../output.js";

export function registerEventCommands(program: Command, io: Io): void {
  program
    .command("events")
    .description("the audit log, newest first: who changed what, when (admin keys)")
    .option(
      "--type <type>",
      "only this event type, e.g. label.deployed (repeat, or separate with commas)",
      collect,
    )
    .option("--actor <actor>", "only changes by this actor, e.g. apikey:ci-bot")
    .option("--prompt <name>", "only changes to this prompt")
    .option("--subject <subject>", "only events about this key id, provider, environment or model")
    .option("--from <time>", "ISO time: events at or after it")
    .option("--to <time>", "ISO time: events before it")
    .option("--limit <n>", "at most this many (up to 500)", "100")
    .option("--before <id>", "nextCursor of the previous page")
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const page = await ctx.api.events.list({
        limit: opts.limit,
        type: opts.type?.join(","),
        actor: opts.actor,
        prompt: opts.prompt,
        subject: opts.subject,
        from: opts.from,
        to: opts.to,
        before: opts.before,
      });
      emit(io, ctx.json, page, () =>
        [
          page.items.length === 0
            ? "no events match"
            : table(
                ["id", "when", "type", "subject", "actor", "payload"],
                page.items.map((e) => [
                  e.id,
                  e.createdAt,
                  e.type,
                  e.subject,
                  e.actor,
                  JSON.stringify(e.payload),
                ]),
              ),
          ...(page.nextCursor !== null ? [`more: --before ${page.nextCursor}`] : []),
        ].join("\n"),
      );
    });
}
