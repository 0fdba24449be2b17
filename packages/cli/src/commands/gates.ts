import { readFileSync } from "node:fs";
import type { GatePolicy } from "@promptline/core";
import type { Command } from "commander";
import { commandContext, parseVersion } from "../context.js";
import { EXIT, ExplainedError, UsageError } from "../errors.js";
import { policyLines, unmetLines } from "../gate-text.js";
import { emit, type Io, table } from "../output.js";

/** A policy file: the policy itself, or `{"policy": …}` as the API takes it. */
function readPolicyFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const wrapped = parsed as { policy?: unknown } | null;
  return wrapped && typeof wrapped === "object" && "policy" in wrapped ? wrapped.policy : parsed;
}

export function registerGateCommands(program: Command, io: Io): void {
  const gates = program
    .command("gates")
    .description("promotion gates: what a version must show before an environment serves it");

  gates
    .command("show <environment>")
    .description("an environment's gate policy")
    .action(async (environment: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const gate = await ctx.api.gates.get(environment);
      emit(io, ctx.json, gate, () =>
        gate.policy === null
          ? `${environment} has no gate policy: every deploy passes`
          : [
              `${environment}'s gate (set by ${gate.updatedBy} at ${gate.updatedAt})`,
              ...policyLines(gate.policy),
            ].join("\n"),
      );
    });

  gates
    .command("set <environment>")
    .description("set an environment's gate policy (admins)")
    .option("-f, --file <policy.json>", "the policy, keyed patch / minor / major")
    .option("--recommended <dataset>", "the recommended policy for runs on this dataset")
    .action(async (environment: string, opts, command: Command) => {
      if (Boolean(opts.file) === Boolean(opts.recommended)) {
        throw new UsageError(
          "give the policy with either --file <policy.json> or --recommended <dataset>",
        );
      }
      const ctx = await commandContext(command, io);
      const policy = opts.file
        ? (readPolicyFile(opts.file) as GatePolicy)
        : (await ctx.api.gates.recommended(opts.recommended)).policy;
      const gate = await ctx.api.gates.set(environment, policy);
      emit(io, ctx.json, gate, () =>
        [`set ${environment}'s gate policy`, ...policyLines(gate.policy ?? {})].join("\n"),
      );
    });

  gates
    .command("remove <environment>")
    .description("remove an environment's gate policy (admins)")
    .action(async (environment: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      await ctx.api.gates.remove(environment);
      emit(io, ctx.json, { removed: environment }, () => `removed ${environment}'s gate policy`);
    });

  gates
    .command("check <prompt>")
    .description("whether each environment's gate would let a version through (exit 1 if not)")
    .option("--version <n>", "the version to check (default: the latest)")
    .option("-e, --env <environment>", "only this environment")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const status = await ctx.api.gates.promptStatus(
        name,
        opts.version === undefined ? undefined : parseVersion(opts.version),
      );
      const items = opts.env
        ? status.items.filter((i) => i.environment === opts.env)
        : status.items;
      if (items.length === 0) throw new UsageError(`no environment named '${opts.env}'`);
      emit(io, ctx.json, { ...status, items }, () =>
        table(
          ["environment", "serves", "level", "policy", "verdict"],
          items.map((i) => [
            i.environment,
            i.serves === null ? null : `v${i.serves}`,
            i.level,
            i.hasPolicy ? "yes" : "no",
            i.passed ? "passes" : `refuses (${i.unmet.length} unmet)`,
          ]),
        ),
      );
      const refused = items.filter((i) => !i.passed);
      if (refused.length > 0) {
        const names = refused.map((i) => i.environment).join(", ");
        throw new ExplainedError(
          `the gate of ${names} would refuse ${name} v${status.version}`,
          refused.flatMap((i) => [`${i.environment}:`, ...unmetLines(i.unmet, i.runs)]),
          EXIT.failure,
        );
      }
    });
}
