import { ApiError } from "@promptline/client";
import { Command, CommanderError } from "commander";
import { registerAdminCommands } from "./commands/admin.js";
import { registerDatasetCommands } from "./commands/datasets.js";
import { registerDeploymentCommands } from "./commands/deployments.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerEventCommands } from "./commands/events.js";
import { registerGateCommands } from "./commands/gates.js";
import { registerJudgeCommands } from "./commands/judges.js";
import { registerOnlineEvalCommands } from "./commands/online-eval.js";
import { registerPriceCommands } from "./commands/prices.js";
import { registerPromptCommands } from "./commands/prompts.js";
import { registerProviderCommands } from "./commands/providers.js";
import { registerResolveCommands } from "./commands/resolve.js";
import { registerRolloutCommands } from "./commands/rollouts.js";
import { registerServe } from "./commands/serve.js";
import { registerTraceCommands } from "./commands/traces.js";
import { EXIT, ExplainedError, exitCodeFor } from "./errors.js";
import type { Io } from "./output.js";

export function createProgram(io: Io): Command {
  const program = new Command("promptline")
    .description("promptline: versioned prompts, environments, deploy and rollback")
    .option(
      "--url <url>",
      "server URL [PROMPTLINE_URL, config file, default http://127.0.0.1:4680]",
    )
    .option("--api-key <key>", "API key [PROMPTLINE_API_KEY, config file]")
    .option("--json", "print the API's JSON instead of tables")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s.trimEnd()),
      writeErr: (s) => io.stderr(s.trimEnd()),
    });
  registerServe(program, io);
  registerPromptCommands(program, io);
  registerDeploymentCommands(program, io);
  registerRolloutCommands(program, io);
  registerResolveCommands(program, io);
  registerAdminCommands(program, io);
  registerProviderCommands(program, io);
  registerPriceCommands(program, io);
  registerTraceCommands(program, io);
  registerEventCommands(program, io);
  registerOnlineEvalCommands(program, io);
  registerEvalCommand(program, io);
  registerJudgeCommands(program, io);
  registerGateCommands(program, io);
  registerDatasetCommands(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns its exit code; errors become one line on stderr. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const detail = error instanceof ApiError ? ` (${error.status} ${error.problem.code})` : "";
    io.stderr(`error: ${(error as Error).message}${detail}`);
    if (error instanceof ExplainedError) for (const line of error.lines) io.stderr(line);
    return exitCodeFor(error);
  }
}
