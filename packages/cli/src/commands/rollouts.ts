import type { Command } from "commander";
import { collect } from "../context.js";
import type { Io } from "../output.js";
import type { RolloutAction } from "../rollout/run.js";

const START_HELP = `
Traffic, exactly one of:
  --canary 5,25,50,100 --hold 30m   steps in percent, each held 30m (h, d too) before it widens
  --split 50                        a fixed share for the --candidate; the control keeps the rest
  --candidate 8 --candidate 9 --split 30,30
                                    several candidates, one share each in the same order

Guards (repeatable): <metric><op><tolerance>, e.g. error_rate<+2% (percentage points),
  p95_latency<+300ms, cost_per_call<+10% (of the control's), feedback>-0.1, score:tone>-0.05

--rules FILE (YAML or JSON): targeting rules tried in order before the split, e.g.
  - description: beta customers
    conditions: [{ attribute: plan, op: in, values: [beta] }]
    variants: [{ version: 8 }]                  # one version: everyone the rule catches
  - conditions: [{ attribute: region, op: equals, value: eu }]
    variants: [{ version: 8, percent: 20 }, { version: 7, percent: 80 }]
  A share is percent (0-100) or weight (basis points, as the API writes it).

Examples:
  promptline rollout start support/refund --env production --candidate 8 \\
    --canary 5,25,50,100 --hold 30m --guard "error_rate<+2%" --guard "p95_latency<+300ms"
  promptline rollout start support/refund --env production --candidate 8 --split 50 --unit accountId`;

/** The rollout an action works on: the environment's running one, or one by id. */
function targetOptions(command: Command): Command {
  return command
    .option("-e, --env <environment>", "the environment whose running rollout it is")
    .option("--id <rollout>", "a rollout by its id instead");
}

const ACTIONS: Array<{ action: RolloutAction; description: string }> = [
  { action: "advance", description: "widen a canary to its next step now" },
  { action: "pause", description: "hold the rollout where it is (the monitor stops widening it)" },
  { action: "resume", description: "let a paused rollout go on" },
  {
    action: "promote",
    description: "end the rollout: the candidate becomes the environment's version",
  },
  { action: "abort", description: "end the rollout: everyone back to the control version" },
];

/**
 * `promptline rollout …`: progressive delivery from the command line. The work is in
 * ../rollout/, loaded only when a command runs.
 */
export function registerRolloutCommands(program: Command, io: Io): void {
  const rollout = program
    .command("rollout")
    .description("progressive rollouts: canary steps or a split, guarded against regressions");

  rollout
    .command("start <prompt>")
    .description("serve candidate versions to part of an environment's traffic")
    .requiredOption("-e, --env <environment>", "the environment, e.g. production")
    .option("--candidate <version>", "a version to try (repeatable with --split)", collect)
    .option("--canary <percents>", "canary steps in percent, e.g. 5,25,50,100")
    .option("--hold <duration>", "how long each canary step is held, e.g. 30m, 2h, 1d")
    .option("--split <percents>", "each candidate's fixed share in percent, e.g. 50 or 30,30")
    .option("--guard <expression>", "a guardrail, e.g. error_rate<+2% (repeatable)", collect)
    .option("--on-breach <action>", "rollback (default) or pause when a guardrail is breached")
    .option("--unit <attribute>", "the context attribute callers are bucketed by (default userId)")
    .option("--min-samples <n>", "calls each arm needs before a guardrail's verdict (default 100)")
    .option("--rules <file>", "targeting rules, YAML or JSON (below)")
    .option("-r, --reason <text>", "why (recorded in the history)")
    .option("--override-gate <why>", "start through a failing gate (admins), recorded")
    .addHelpText("after", START_HELP)
    .action(async (name: string, opts, command: Command) => {
      const { startRollout } = await import("../rollout/run.js");
      await startRollout(name, opts, command, io);
    });

  targetOptions(
    rollout
      .command("status <prompt>")
      .description(
        "a rollout's step and weights, traffic per variant, guardrails and last decisions",
      ),
  )
    .option("-w, --watch", "look again until the rollout ends (exit 0 promoted, 1 otherwise)")
    .option("--interval <seconds>", "with --watch: between two looks", "5")
    .option("--timeout <seconds>", "with --watch: stop watching after this long", "86400")
    .action(async (name: string, opts, command: Command) => {
      const { showStatus } = await import("../rollout/run.js");
      await showStatus(name, opts, command, io);
    });

  rollout
    .command("list [prompt]")
    .description("rollouts, newest first: a prompt's, or the project's")
    .option("-e, --env <environment>", "only this environment's")
    .option("--active", "only running and paused ones")
    .option("--limit <n>", "how many (at most 200)", "50")
    .action(async (name: string | undefined, opts, command: Command) => {
      const { listRollouts } = await import("../rollout/run.js");
      await listRollouts(name, opts, command, io);
    });

  for (const { action, description } of ACTIONS) {
    const ends = action === "promote" || action === "abort";
    const command = targetOptions(
      rollout.command(`${action} <prompt>`).description(description),
    ).option("-r, --reason <text>", "why (recorded in the history)");
    if (ends) command.option("-y, --yes", "do not ask for confirmation");
    if (action === "promote") {
      command.option("--version <n>", "the candidate to promote, when there are several");
    }
    command.action(async (name: string, opts, self: Command) => {
      const { actOnRollout } = await import("../rollout/run.js");
      await actOnRollout(action, name, opts, self, io);
    });
  }
}
