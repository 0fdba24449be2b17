import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "../database.js";
import type { Change, StorageEngine } from "../engine.js";
import { LocalChanges } from "../local-changes.js";
import { rowShape } from "../row-shape.js";
import { type BulkTable, SCORES, TRACES } from "../trace-columns.js";

const CHANNEL = "promptline_changes";

export interface PostgresEngineOptions {
  onListenerError?: (error: Error) => void;
  poolSize?: number;
}

/**
 * PostgreSQL for several stateless instances: writers of one prompt serialise on a row lock,
 * and changes reach every instance through LISTEN/NOTIFY on one channel.
 */
export function createPostgresEngine(
  url: string,
  options: PostgresEngineOptions = {},
): StorageEngine {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  pool.on("error", (error) => options.onListenerError?.(error));
  // A connection dropped while checked out (between a transaction's statements) reports here;
  // unheard, it would crash the process. The transaction's next statement fails instead.
  pool.on("connect", (client) => client.on("error", (error) => options.onListenerError?.(error)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [rowShape] });
  const changes = new LocalChanges();
  const listener = new ChangeListenerConnection(url, changes, options.onListenerError);
  return {
    kind: "postgres",
    db,
    identity: (col) => col.primaryKey().generatedByDefaultAsIdentity(),
    appendOnlySql: (table) => [
      `CREATE OR REPLACE FUNCTION promptline_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME; END $$`,
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION promptline_refuse_change()`,
    ],
    lockPrompt: async (trx, promptId) => {
      await sql`select id from prompts where id = ${promptId} for update`.execute(trx);
    },
    lockEventLog: async (trx, projectId) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`promptline-events:${projectId}`}))`.execute(
        trx,
      );
    },
    // One statement of column arrays per table: the parameter count is the same for any batch.
    // The batch is in its stored form already: the statement skips the row-shape plugin.
    insertTraces: (batch) =>
      db.transaction().execute(async (trx) => {
        const result = await insertColumnArrays(trx.withoutPlugins(), TRACES, batch.traces);
        await insertColumnArrays(trx.withoutPlugins(), SCORES, batch.scores);
        return result;
      }),
    isUniqueViolation: (error) => (error as { code?: string })?.code === "23505",
    publishChange: async (change: Change) => {
      changes.deliver(change);
      try {
        await sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`.execute(db);
      } catch (error) {
        // The change is committed; failing the request now would invite a retry of a done deed.
        // NOTIFY fails when the database is unreachable, and then every instance's listening
        // connection drops too: each clears its caches again once it is listening anew.
        options.onListenerError?.(error as Error);
      }
    },
    onChange: (fn, reset) => {
      listener.start();
      return changes.subscribe(fn, reset);
    },
    close: async () => {
      await listener.stop();
      await db.destroy();
    },
  };
}

async function insertColumnArrays(
  db: Kysely<Database>,
  { table, columns }: BulkTable,
  rows: readonly unknown[][],
): Promise<number> {
  if (rows.length === 0) return 0;
  const names = sql.join(columns.map((c) => sql.ref(c.name)));
  const arrays = sql.join(
    columns.map((c, i) => sql`${rows.map((row) => row[i])}::${sql.raw(c.type)}[]`),
  );
  const result =
    await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${arrays}) on conflict do nothing`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0);
}

/** One dedicated connection that LISTENs, reconnecting with backoff when it drops. */
class ChangeListenerConnection {
  private client: pg.Client | undefined;
  private started = false;
  private stopped = false;
  private retryDelay = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  private everConnected = false;

  constructor(
    private readonly url: string,
    private readonly changes: LocalChanges,
    private readonly onError?: (error: Error) => void,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url });
    this.client = client;
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        this.changes.deliver(JSON.parse(message.payload) as Change);
      } catch (error) {
        this.onError?.(error as Error);
      }
    });
    const reconnect = (error?: Error) => {
      if (error) this.onError?.(error);
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      client.removeAllListeners("end");
      void client.end().catch(() => {});
      // Notifications sent while disconnected are lost: caches must start over.
      this.changes.resetAll();
      this.retryTimer = setTimeout(() => void this.connect(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 5_000);
    };
    client.on("error", reconnect);
    client.on("end", () => reconnect());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.retryDelay = 100;
      // What was cached while not listening may have missed a change: start over from here.
      if (this.everConnected) this.changes.resetAll();
      this.everConnected = true;
    } catch (error) {
      reconnect(error as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
