import type { Command } from "commander";
import { commandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { emit, type Io, table } from "../output.js";

export function registerAdminCommands(program: Command, io: Io): void {
  program
    .command("login")
    .description("save --url and --api-key to the config file for later commands")
    .action(async (_opts, command: Command) => {
      const { DEFAULT_URL, saveConnection } = await import("../settings.js");
      const { url = DEFAULT_URL, apiKey } = command.optsWithGlobals<{
        url?: string;
        apiKey?: string;
      }>();
      if (!apiKey)
        throw new UsageError("give the key to save: promptline login --url <url> --api-key <key>");
      if (!/^https?:\/\//.test(url))
        throw new UsageError("--url must start with http:// or https://");
      const path = saveConnection(io.env, { url, apiKey });
      io.stdout(`saved ${url} and the key to ${path} (readable only by you)`);
    });

  const env = program
    .command("env")
    .description("environments: production, staging, development and custom ones");
  env
    .command("list")
    .description("list environments")
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const { items } = await ctx.api.environments.list();
      emit(io, ctx.json, { items }, () =>
        table(
          ["name", "protected", "created", "by"],
          items.map((e) => [e.name, e.protected ? "yes" : "no", e.createdAt, e.createdBy]),
        ),
      );
    });
  env
    .command("create <name>")
    .description("create a custom environment (e.g. canary, eu-prod)")
    .option("--protected", "only admins may move its labels")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const created = await ctx.api.environments.create({
        name,
        protected: Boolean(opts.protected),
      });
      emit(
        io,
        ctx.json,
        created,
        () => `created environment ${created.name}${created.protected ? " (protected)" : ""}`,
      );
    });

  const keys = program.command("keys").description("API keys of the project");
  keys
    .command("list")
    .description("list API keys (never their secrets)")
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const { items } = await ctx.api.apiKeys.list();
      emit(io, ctx.json, { items }, () =>
        table(
          ["id", "name", "role", "prefix", "created", "revoked"],
          items.map((k) => [k.id, k.name, k.role, `${k.prefix}…`, k.createdAt, k.revokedAt]),
        ),
      );
    });
  keys
    .command("create <name>")
    .description("create an API key (or, with --langfuse, a key pair); the secret is printed once")
    .requiredOption("--role <role>", "admin, editor or viewer")
    .option("--langfuse", "a pk-lf-…/sk-lf-… pair for Langfuse SDKs (Basic auth)")
    .action(async (name: string, opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const created = await ctx.api.apiKeys.create({
        name,
        role: opts.role,
        kind: opts.langfuse ? "langfuse" : "bearer",
      });
      if (created.publicKey && !ctx.json) {
        io.stdout(
          [
            `created ${created.role} key pair '${created.name}' (${created.id}); the secret is shown only now:`,
            `LANGFUSE_PUBLIC_KEY=${created.publicKey}`,
            `LANGFUSE_SECRET_KEY=${created.key}`,
          ].join("\n"),
        );
        return;
      }
      emit(io, ctx.json, created, () =>
        [
          `created ${created.role} key '${created.name}' (${created.id}); its secret, shown only now:`,
          created.key,
        ].join("\n"),
      );
    });
  keys
    .command("revoke <id>")
    .description("revoke an API key")
    .action(async (id: string, _opts, command: Command) => {
      const ctx = await commandContext(command, io);
      const revoked = await ctx.api.apiKeys.revoke(id);
      emit(io, ctx.json, revoked, () => `revoked key '${revoked.name}' at ${revoked.revokedAt}`);
    });
}
