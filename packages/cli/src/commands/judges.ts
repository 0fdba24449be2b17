/**
 * `promptline judges`: the ready LLM-as-judge rubrics, and copying one into the registry. A
 * judge is a managed prompt, so the copy is versioned, diffed and reviewed like any prompt.
 */
import type { Command } from "commander";
import { commandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";

/** The rubrics come with core's schemas: loaded when a judges command runs, not at start-up. */
async function templates() {
  return (await import("@promptline/core")).JUDGE_TEMPLATES;
}

export function registerJudgeCommands(program: Command, io: Io): void {
  const judges = program
    .command("judges")
    .description("ready LLM-as-judge rubrics to copy into your own judge prompts");
  judges
    .command("list")
    .description("the ready rubrics")
    .action(async (_opts, command: Command) => {
      const json = Boolean(command.optsWithGlobals().json);
      const rubrics = await templates();
      emit(io, json, rubrics, () =>
        table(
          ["rubric", "what it judges"],
          rubrics.map((t) => [t.name.replace(/^judges\//, ""), t.description]),
        ),
      );
    });
  judges
    .command("copy <rubric>")
    .description("create a judge prompt from a rubric and publish it as v1")
    .option("--name <prompt>", "the judge prompt's name (default: judges/<rubric>)")
    .option("--provider <connection>", "the connection the judge calls")
    .option("--model <model>", "the model the judge uses")
    .action(async (rubric: string, opts, command: Command) => {
      const rubrics = await templates();
      const template = rubrics.find((t) => t.name === rubric || t.name === `judges/${rubric}`);
      if (!template) {
        throw new UsageError(
          `no rubric named '${rubric}': use one of ${rubrics.map((t) => t.name.replace(/^judges\//, "")).join(", ")}`,
        );
      }
      const ctx = await commandContext(command, io);
      const name: string = opts.name ?? template.name;
      const content = {
        ...template.content,
        config: {
          ...template.content.config,
          ...(opts.provider && { provider: opts.provider }),
          ...(opts.model && { model: opts.model }),
        },
      };
      await ctx.api.prompts.create({
        name,
        type: content.type,
        description: template.description,
        tags: ["judge"],
      });
      const published = await ctx.api.versions.publish(name, {
        commitMessage: `the ${template.title} rubric, copied`,
        content,
      });
      emit(io, ctx.json, published, () =>
        [
          `created ${name} v${published.version} from the ${template.title} rubric`,
          `use it as a scorer: '{"type":"judge","prompt":"${name}"}'`,
          ...(content.config.model
            ? []
            : [
                "it names no model: give the connection a defaultModel, or the scorer a model, or copy with --model",
              ]),
        ].join("\n"),
      );
    });
}
