import type { Command } from "commander";
import { collect, commandContext, parseVersion } from "../context.js";
import { UsageError } from "../errors.js";
import { contentText, emit, type Io } from "../output.js";

/** `--vars '{"n": 3}'` for typed values, then `--var name=value` strings on top. */
function parseVariables(json: string | undefined, pairs: string[] = []): Record<string, unknown> {
  let variables: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new UsageError(`--vars is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError(`--vars takes a JSON object, e.g. '{"count": 3}'`);
    }
    variables = { ...(parsed as Record<string, unknown>) };
  }
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--var takes name=value, got '${pair}'`);
    variables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return variables;
}

/** `--context '{"plan":"pro"}'`: the caller's attributes for a rollout's targeting rules. */
function parseContext(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--context is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`--context takes a JSON object, e.g. '{"plan": "pro"}'`);
  }
  return parsed as Record<string, unknown>;
}

/** How a resolution was chosen: its label, and the rollout variant a unit was assigned. */
function via(resolved: { label: string | null; variant?: string; rollout?: { id: number } }) {
  const label = resolved.label ?? "version";
  if (resolved.variant) return `${label}, ${resolved.variant} of the running rollout`;
  if (resolved.rollout) {
    return `${label} (control of rollout #${resolved.rollout.id}: give --unit to be assigned)`;
  }
  return label;
}

const UNIT_HELP = "the caller's unit (a user id): assigned a version when a rollout runs";
const CONTEXT_HELP = "the caller's attributes as a JSON object, for a rollout's targeting rules";

export function registerResolveCommands(program: Command, io: Io): void {
  program
    .command("resolve <name>")
    .description("fetch a prompt as applications get it (client API)")
    .option("--label <label>", "label to resolve (default production)")
    .option("--version <n>", "exact version")
    .option("--unit <unit>", UNIT_HELP)
    .option("--context <json>", CONTEXT_HELP)
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const context = parseContext(opts.context);
      const fetched = await ctx.api.client.resolve(name, {
        ...(opts.label && { label: opts.label }),
        ...(opts.version && { version: parseVersion(opts.version) }),
        ...(opts.unit && { unit: opts.unit }),
        ...(context && { context: JSON.stringify(context) }),
      });
      // Asked without an ETag, the server has no "not modified" to answer.
      if (fetched.status === 304)
        throw new Error("the server answered 304 to an unconditional request");
      const resolved = fetched.body;
      const content = await contentText(resolved.content);
      emit(io, ctx.json, resolved, () =>
        [
          `${resolved.name} v${resolved.version} (${resolved.semver}) via ${via(resolved)}`,
          "",
          content,
        ].join("\n"),
      );
    });

  program
    .command("compile <name>")
    .description("resolve a prompt and fill in its variables")
    .option("--label <label>", "label to resolve (default production)")
    .option("--version <n>", "exact version")
    .option("--var <name=value>", "a string variable (repeatable)", collect)
    .option("--vars <json>", "variables as a JSON object, for numbers, booleans, lists, objects")
    .option("--unit <unit>", UNIT_HELP)
    .option("--context <json>", CONTEXT_HELP)
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const context = parseContext(opts.context);
      const body = {
        variables: parseVariables(opts.vars, opts.var),
        ...(opts.label && { label: opts.label }),
        ...(opts.version && { version: parseVersion(opts.version) }),
        ...(opts.unit && { unit: opts.unit }),
        ...(context && { context }),
      };
      const compiled = await ctx.api.client.compile(name, body);
      emit(io, ctx.json, compiled, () =>
        compiled.type === "text"
          ? (compiled.text ?? "")
          : (compiled.messages ?? []).map((m) => `[${m.role}]\n${m.content}`).join("\n\n"),
      );
    });
}
