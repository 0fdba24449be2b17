import type { Deployment } from "@promptline/core";
import type { Command } from "commander";
import { commandContext, parseVersion } from "../context.js";
import { UsageError } from "../errors.js";
import { explainRefusal } from "../gate-text.js";
import { emit, type Io, table } from "../output.js";

function moveLine(d: Deployment): string {
  const verb = d.kind === "deploy" ? "deployed" : "rolled back";
  const override = d.gateOverride ? ` through a failing gate: ${d.gateOverride}` : "";
  return `${verb} ${d.name}: ${d.environment} ${d.fromVersion === null ? "(nothing)" : `v${d.fromVersion}`} → v${d.toVersion}${d.reason ? ` (${d.reason})` : ""}${override}`;
}

export function registerDeploymentCommands(program: Command, io: Io): void {
  program
    .command("deploy <name> <version>")
    .description("point an environment's label at a version")
    .requiredOption("-e, --env <environment>", "environment, e.g. production, staging, canary")
    .option("-r, --reason <text>", "why (recorded in the history)")
    .option(
      "--override-reason <text>",
      "deploy through a failing gate (admins); why, recorded in the history and audit log",
    )
    .action(async (name: string, version: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const body = {
        environment: opts.env,
        version: parseVersion(version),
        ...(opts.reason && { reason: opts.reason }),
        ...(opts.overrideReason !== undefined && { override: { reason: opts.overrideReason } }),
      };
      const move = await ctx.api.deployments.deploy(name, body).catch((error: unknown) => {
        throw explainRefusal(error);
      });
      emit(io, ctx.json, move, () => moveLine(move));
    });

  program
    .command("rollback <name>")
    .description("undo the label's last move, or point it back at --to <version>")
    .requiredOption("-e, --env <environment>", "environment to roll back")
    .option("--to <version>", "roll back to this version")
    .option("-r, --reason <text>", "why (recorded in the history)")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const body = {
        environment: opts.env,
        ...(opts.to && { toVersion: parseVersion(opts.to) }),
        ...(opts.reason && { reason: opts.reason }),
      };
      const move = await ctx.api.deployments.rollback(name, body);
      emit(io, ctx.json, move, () => moveLine(move));
    });

  program
    .command("history <name>")
    .description("who moved which label when, from and to which version, and why")
    .option("-e, --env <environment>", "only this environment")
    .option("--at <time>", "with --env: which version the environment served at this ISO time")
    .option("--limit <n>", "how many moves", "100")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      if (opts.at) {
        if (!opts.env)
          throw new UsageError("--at needs --env: which environment's label to look up");
        const at = await ctx.api.deployments.labelAt(name, { environment: opts.env, at: opts.at });
        emit(io, ctx.json, at, () =>
          at.version === null
            ? `${at.environment} served no version of ${name} at ${at.at}`
            : `${at.environment} served ${name} v${at.version} at ${at.at} (since ${at.deployment?.createdAt}, by ${at.deployment?.actor})`,
        );
        return;
      }
      const list = await ctx.api.deployments.history(name, {
        limit: opts.limit,
        ...(opts.env && { environment: opts.env }),
      });
      emit(io, ctx.json, list, () =>
        list.items.length === 0
          ? `no deployments of ${name} yet`
          : table(
              ["id", "when", "environment", "kind", "from", "to", "who", "why", "gate override"],
              list.items.map((d) => [
                d.id,
                d.createdAt,
                d.environment,
                d.kind,
                d.fromVersion,
                d.toVersion,
                d.actor,
                d.reason,
                d.gateOverride,
              ]),
            ),
      );
    });
}
