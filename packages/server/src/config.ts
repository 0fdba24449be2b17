import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseRedactionRule } from "@promptline/core";
import { z } from "zod";

/** A whole-number setting within bounds, named in its messages. */
function wholeNumber(variable: string, min: number, max: number) {
  const message = `${variable} must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ message }).int(message).min(min, message).max(max, message);
}

/**
 * Connections the server may hold by default: most of what the process may open (its file
 * descriptor limit, read from /proc on Linux), leaving room for the database, files and the
 * answers it gives past the cap; at most 10,000.
 */
export function defaultMaxConnections(limits = readProcessLimits()): number {
  const files = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
  const fdLimit = files === undefined ? 1024 : Number(files);
  return Math.max(16, Math.min(10_000, Math.floor(fdLimit * 0.75) - 200));
}

function readProcessLimits(): string {
  try {
    return readFileSync("/proc/self/limits", "utf8");
  } catch {
    return "";
  }
}

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
  accessLog: z
    .enum(["on", "off"], { message: "PROMPTLINE_ACCESS_LOG must be on or off" })
    .default("off"),
  maxConnections: wholeNumber("PROMPTLINE_MAX_CONNECTIONS", 16, 1_000_000).default(
    defaultMaxConnections,
  ),
  maxConnectionsPerAddress: wholeNumber(
    "PROMPTLINE_MAX_CONNECTIONS_PER_ADDRESS",
    1,
    1_000_000,
  ).optional(),
  maxStreamsPerKey: wholeNumber("PROMPTLINE_MAX_STREAMS_PER_KEY", 1, 1_000_000).default(1000),
  maxStreamsPerAddress: wholeNumber("PROMPTLINE_MAX_STREAMS_PER_ADDRESS", 1, 1_000_000).default(
    1000,
  ),
  headersTimeoutSeconds: wholeNumber("PROMPTLINE_HEADERS_TIMEOUT_SECONDS", 1, 600).default(10),
  requestTimeoutSeconds: wholeNumber("PROMPTLINE_REQUEST_TIMEOUT_SECONDS", 1, 3600).default(30),
  authFailuresPerMinute: wholeNumber("PROMPTLINE_AUTH_FAILURES_PER_MINUTE", 1, 1_000_000).default(
    30,
  ),
  trustProxyHops: wholeNumber("PROMPTLINE_TRUST_PROXY_HOPS", 0, 10).default(0),
  rolloutMonitorIntervalMs: wholeNumber(
    "PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS",
    100,
    3_600_000,
  ).default(10_000),
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
  accessLog: "PROMPTLINE_ACCESS_LOG",
  maxConnections: "PROMPTLINE_MAX_CONNECTIONS",
  maxConnectionsPerAddress: "PROMPTLINE_MAX_CONNECTIONS_PER_ADDRESS",
  maxStreamsPerKey: "PROMPTLINE_MAX_STREAMS_PER_KEY",
  maxStreamsPerAddress: "PROMPTLINE_MAX_STREAMS_PER_ADDRESS",
  headersTimeoutSeconds: "PROMPTLINE_HEADERS_TIMEOUT_SECONDS",
  requestTimeoutSeconds: "PROMPTLINE_REQUEST_TIMEOUT_SECONDS",
  authFailuresPerMinute: "PROMPTLINE_AUTH_FAILURES_PER_MINUTE",
  trustProxyHops: "PROMPTLINE_TRUST_PROXY_HOPS",
  rolloutMonitorIntervalMs: "PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS",
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
