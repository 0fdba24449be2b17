import { join } from "node:path";
import type { StorageEngine } from "./engine.js";
import { migrateToLatest } from "./migrations.js";
import { createPostgresEngine, type PostgresEngineOptions } from "./postgres/index.js";
import { createSqliteEngine } from "./sqlite/index.js";

export type { Database } from "./database.js";
export type { Change, StorageEngine } from "./engine.js";

export interface StorageConfig {
  /** postgres://… to use PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

/** Opens the configured engine and migrates it. */
export async function openStorage(
  config: StorageConfig,
  options: PostgresEngineOptions = {},
): Promise<StorageEngine> {
  const engine = config.databaseUrl
    ? createPostgresEngine(config.databaseUrl, options)
    : createSqliteEngine(join(config.dataDir, "promptline.db"));
  try {
    await migrateToLatest(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
