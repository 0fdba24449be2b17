import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { UsageError } from "./errors.js";

export const DEFAULT_URL = "http://127.0.0.1:4680";

const fileSchema = z
  .object({ url: z.string().url().optional(), apiKey: z.string().optional() })
  .strict();

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return (
    env.PROMPTLINE_CONFIG ||
    join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "promptline", "config.json")
  );
}

function readConfigFile(path: string): z.infer<typeof fileSchema> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    throw new UsageError(`${path} is not a valid promptline config: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Where the server is and which key to use: flags, then environment, then the config file. */
export function resolveConnection(
  flags: { url?: string | undefined; apiKey?: string | undefined },
  env: NodeJS.ProcessEnv,
): { url: string; apiKey: string } {
  const file = readConfigFile(configFilePath(env));
  const url = flags.url || env.PROMPTLINE_URL || file.url || DEFAULT_URL;
  const apiKey = flags.apiKey || env.PROMPTLINE_API_KEY || file.apiKey;
  if (!apiKey) {
    throw new UsageError(
      "no API key: pass --api-key, set PROMPTLINE_API_KEY, or run 'promptline login --api-key <key>'",
    );
  }
  return { url, apiKey };
}

/** Saves the connection for later commands; the file holds a secret, so only its owner may read it. */
export function saveConnection(
  env: NodeJS.ProcessEnv,
  settings: { url: string; apiKey: string },
): string {
  const path = configFilePath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
