// The promptline server on a fresh SQLite database (in BENCH_DATA_DIR, or a new temp folder), or
// on BENCH_DATABASE_URL, in its own process; prints its URL.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, startServer } from "../../packages/server/dist/index.js";

// PROMPTLINE_* settings (limits, heartbeat …) reach the server as they would in production;
// DATABASE_URL does not, so a developer's own database is never the bench's.
const settings = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name.startsWith("PROMPTLINE_")),
);
const config = loadConfig(settings, {
  port: 0,
  dataDir: process.env.BENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), "promptline-bench-")),
  initAdminKey: process.env.BENCH_ADMIN_KEY,
  databaseUrl: process.env.BENCH_DATABASE_URL,
  logLevel: "warn",
});
const server = await startServer(config);
process.stdout.write(`${server.url}\n`);
for (const signal of ["SIGTERM", "SIGINT"])
  process.on(signal, () => server.close().then(() => process.exit(0)));
