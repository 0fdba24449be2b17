import { type ApiClient, createApiClient } from "@promptline/client";
import type { Command } from "commander";
import { UsageError } from "./errors.js";
import type { Io } from "./output.js";

export interface CommandContext {
  api: ApiClient;
  json: boolean;
  io: Io;
}

/**
 * The API client and output mode for a command, from its own and the global options. The
 * settings (and zod, which reads the config file) load here, so `--help` does not load them.
 */
export async function commandContext(command: Command, io: Io): Promise<CommandContext> {
  const opts = command.optsWithGlobals<{ url?: string; apiKey?: string; json?: boolean }>();
  const { resolveConnection } = await import("./settings.js");
  const { url, apiKey } = resolveConnection(opts, io.env);
  let api: ApiClient;
  try {
    api = createApiClient({ baseUrl: url, apiKey });
  } catch (error) {
    // The client refuses a server URL that cannot work; that is the user's to fix.
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  return { api, json: opts.json ?? false, io };
}

export function parseVersion(value: string): number {
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`'${value}' is not a version number (1, 2, 3 …)`);
  return Number(value);
}

/** An option parser for a finite number, naming the option when the value is not one. */
export function parseNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`${option} must be a number, got '${value}'`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
