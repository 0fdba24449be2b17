import type { Config } from "@promptline/server";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { Io } from "../output.js";

export function registerServe(program: Command, io: Io): void {
  program
    .command("serve")
    .description("run the promptline server (API on the embedded SQLite database, or PostgreSQL)")
    .option("--host <host>", "address to listen on [PROMPTLINE_HOST, default 127.0.0.1]")
    .option("--port <port>", "port to listen on [PROMPTLINE_PORT, default 4680]")
    .option(
      "--data-dir <dir>",
      "where the SQLite database lives [PROMPTLINE_DATA_DIR, default ./data]",
    )
    .option("--database-url <url>", "postgres://… to use PostgreSQL instead [DATABASE_URL]")
    .option(
      "--feed-heartbeat-seconds <seconds>",
      "change-feed heartbeat interval [PROMPTLINE_FEED_HEARTBEAT_SECONDS, default 15]",
    )
    .option(
      "--trace-retention-days <days>",
      "delete traces older than this; 0 keeps them [PROMPTLINE_TRACE_RETENTION_DAYS, default 30]",
    )
    .option(
      "--redact <detectors>",
      "redact traces before storing: email,phone,card,api_key or all [PROMPTLINE_REDACT]",
    )
    .option(
      "--access-log <on|off>",
      "log every request (no keys) [PROMPTLINE_ACCESS_LOG, default off]",
    )
    .option(
      "--max-connections <n>",
      "connections held open at most [PROMPTLINE_MAX_CONNECTIONS, default from the file limit]",
    )
    .option(
      "--max-connections-per-address <n>",
      "connections one peer address may hold [PROMPTLINE_MAX_CONNECTIONS_PER_ADDRESS, default a quarter of the cap; none behind proxies]",
    )
    .option(
      "--max-streams-per-key <n>",
      "change-feed streams one API key may hold [PROMPTLINE_MAX_STREAMS_PER_KEY, default 1000]",
    )
    .option(
      "--max-streams-per-address <n>",
      "change-feed streams one client address may hold [PROMPTLINE_MAX_STREAMS_PER_ADDRESS, default 1000]",
    )
    .option(
      "--headers-timeout-seconds <s>",
      "time to send request headers [PROMPTLINE_HEADERS_TIMEOUT_SECONDS, default 10]",
    )
    .option(
      "--request-timeout-seconds <s>",
      "time to send a whole request [PROMPTLINE_REQUEST_TIMEOUT_SECONDS, default 30]",
    )
    .option(
      "--auth-failures-per-minute <n>",
      "failed authentications per address before 429 [PROMPTLINE_AUTH_FAILURES_PER_MINUTE, default 30]",
    )
    .option(
      "--trust-proxy-hops <n>",
      "reverse proxies of yours in front, for client addresses [PROMPTLINE_TRUST_PROXY_HOPS, default 0]",
    )
    .option(
      "--rollout-monitor-interval-ms <ms>",
      "how often the guardrail monitor looks at running rollouts [PROMPTLINE_ROLLOUT_MONITOR_INTERVAL_MS, default 10000]",
    )
    .option(
      "--log-level <level>",
      "fatal|error|warn|info|debug|trace|silent [PROMPTLINE_LOG_LEVEL, default info]",
    )
    .action(async (flags: Partial<Record<keyof Config, string>>) => {
      // The server and its database drivers load here only: the other commands start without them.
      const { ConfigError, loadConfig, startServer } = await import("@promptline/server");
      let config: Config;
      try {
        config = loadConfig(io.env, flags);
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      // A setting the start fails on (a port in use, a database out of reach) is a usage error.
      const server = await startServer(config).catch((error: unknown) => {
        throw error instanceof ConfigError ? new UsageError(error.message) : error;
      });
      const storage = config.databaseUrl ? "postgresql" : `sqlite in ${config.dataDir}`;
      io.stdout(`promptline listening on ${server.url} (${storage})`);
      if (server.generatedAdminKey) {
        io.stdout(
          [
            "First start: created the 'default' project and an admin API key.",
            "It is shown only this once (the server keeps only its hash):",
            "",
            `  ${server.generatedAdminKey}`,
            "",
            `Save it for the CLI with: npx promptline login --url ${server.url} --api-key <key>`,
          ].join("\n"),
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void server.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
