import { join } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { TestServer } from "./harness.js";

const MESSAGE = "injected failure: the disk is full";

/**
 * Makes every insert into `table` fail from now on, as a full disk or a lost connection would in
 * the middle of a multi-step write; returns what undoes it. Works from outside the server, through
 * its database, so the server under test runs unchanged.
 */
export async function failInsertsInto(
  server: TestServer,
  table: string,
): Promise<() => Promise<void>> {
  const trigger = `fail_inserts_into_${table}`;
  const { databaseUrl, dataDir } = server.database;
  if (databaseUrl) {
    const run = async (sql: string) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await run(`
      CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${MESSAGE}'; END $$;
      CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ${trigger}();`);
    return () => run(`DROP TRIGGER ${trigger} ON ${table}; DROP FUNCTION ${trigger}();`);
  }
  const run = (sql: string) => {
    const db = new SQLite(join(dataDir, "promptline.db"));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  run(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`,
  );
  return async () => run(`DROP TRIGGER ${trigger}`);
}
