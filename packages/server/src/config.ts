import { resolve } from "node:path";
import { parseRedactionRule } from "@promptline/core";
import { z } from "zod";

/** Every setting, with the environment variable it comes from. Flags of `promptline serve` mirror them. */
export const configSchema = z.object({
  host: z.string().min(1, "PROMPTLINE_HOST must not be empty").default("127.0.0.1"),
  port: z
    .preprocess(
      (value) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
      z
        .number({ message: "PROMPTLINE_PORT must be a whole number" })
        .int("PROMPTLINE_PORT must be a whole number")
        .min(0, "PROMPTLINE_PORT must be between 0 and 65535")
        .max(65535, "PROMPTLINE_PORT must be between 0 and 65535"),
    )
    .default(4680),
  dataDir: z.string().min(1, "PROMPTLINE_DATA_DIR must not be empty").default("./data"),
  databaseUrl: z
    .string()
    .regex(
      /^postgres(ql)?:\/\//,
      "DATABASE_URL must start with postgres:// (leave it unset for SQLite)",
    )
    .optional(),
  initAdminKey: z
    .string()
    .regex(
      /^[A-Za-z0-9_\-.]{20,200}$/,
      "PROMPTLINE_INIT_ADMIN_KEY must be 20-200 letters, digits, _ - or .",
    )
    .optional(),
  feedHeartbeatSeconds: z.coerce
    .number({ message: "PROMPTLINE_FEED_HEARTBEAT_SECONDS must be a number" })
    .min(0.05, "PROMPTLINE_FEED_HEARTBEAT_SECONDS must be at least 0.05")
    .max(3600, "PROMPTLINE_FEED_HEARTBEAT_SECONDS must be at most 3600")
    .default(15),
  initPublicKey: z
    .string()
    .regex(
      /^[A-Za-z0-9_\-.]{8,200}$/,
      "PROMPTLINE_INIT_PUBLIC_KEY must be 8-200 letters, digits, _ - or .",
    )
    .optional(),
  initSecretKey: z
    .string()
    .regex(
      /^[A-Za-z0-9_\-.]{20,200}$/,
      "PROMPTLINE_INIT_SECRET_KEY must be 20-200 letters, digits, _ - or .",
    )
    .optional(),
  secretKey: z.string().optional(),
  traceRetentionDays: z.coerce
    .number({
      message: "PROMPTLINE_TRACE_RETENTION_DAYS must be a number of days (0 keeps traces forever)",
    })
    .int("PROMPTLINE_TRACE_RETENTION_DAYS must be a whole number of days")
    .min(0, "PROMPTLINE_TRACE_RETENTION_DAYS must be 0 (forever) or more")
    .max(36_500)
    .default(30),
  redact: z
    .string()
    .transform((value, ctx) => {
      const names = value
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n !== "" && n !== "none");
      const all = ["email", "phone", "card", "api_key"];
      if (names.includes("all")) return all;
      const unknown = names.filter((n) => !all.includes(n));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `PROMPTLINE_REDACT: unknown detector(s) ${unknown.join(", ")}; use a comma list of ${all.join(", ")}, or all, or none`,
        });
      }
      return names;
    })
    .default([]),
  redactPatterns: z
    .string()
    .transform((value, ctx) => {
      try {
        const list: unknown = JSON.parse(value);
        if (Array.isArray(list) && list.every((p) => typeof p === "string")) {
          return list.map((spec, i) => parseRedactionRule(spec, i));
        }
      } catch (error) {
        if (!(error instanceof SyntaxError)) {
          ctx.addIssue({
            code: "custom",
            message: `PROMPTLINE_REDACT_PATTERNS: ${(error as Error).message}`,
          });
          return [];
        }
      }
      ctx.addIssue({
        code: "custom",
        message:
          'PROMPTLINE_REDACT_PATTERNS must be a JSON array of regular expressions, optionally named: ["order=ORD-\\d{6}"]',
      });
      return [];
    })
    .default([]),
  metricsToken: z
    .string()
    .min(20, "PROMPTLINE_METRICS_TOKEN must be at least 20 characters")
    .optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = z.infer<typeof configSchema>;

export const ENV_VARS: Record<keyof Config, string> = {
  host: "PROMPTLINE_HOST",
  port: "PROMPTLINE_PORT",
  dataDir: "PROMPTLINE_DATA_DIR",
  databaseUrl: "DATABASE_URL",
  initAdminKey: "PROMPTLINE_INIT_ADMIN_KEY",
  initPublicKey: "PROMPTLINE_INIT_PUBLIC_KEY",
  initSecretKey: "PROMPTLINE_INIT_SECRET_KEY",
  logLevel: "PROMPTLINE_LOG_LEVEL",
  secretKey: "PROMPTLINE_SECRET_KEY",
  traceRetentionDays: "PROMPTLINE_TRACE_RETENTION_DAYS",
  redact: "PROMPTLINE_REDACT",
  redactPatterns: "PROMPTLINE_REDACT_PATTERNS",
  metricsToken: "PROMPTLINE_METRICS_TOKEN",
  feedHeartbeatSeconds: "PROMPTLINE_FEED_HEARTBEAT_SECONDS",
};

export class ConfigError extends Error {}

/** Flags win over environment variables; empty values count as unset. A bad value names its setting. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  flags: Partial<Record<keyof Config, unknown>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(ENV_VARS)) {
    const value = flags[key as keyof Config] ?? env[variable];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as keyof Config;
      const message = issue.message.includes(ENV_VARS[key])
        ? issue.message
        : `${ENV_VARS[key]}: ${issue.message}`;
      return message;
    });
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  if ((parsed.data.initPublicKey === undefined) !== (parsed.data.initSecretKey === undefined)) {
    throw new ConfigError(
      "invalid configuration: PROMPTLINE_INIT_PUBLIC_KEY and PROMPTLINE_INIT_SECRET_KEY go together — set both or neither",
    );
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}
