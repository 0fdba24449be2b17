import type { ColumnDefinitionBuilder, Kysely, Transaction } from "kysely";
import type { Database } from "./database.js";
import type { StoredTraceBatch } from "./trace-batch.js";

/** A change other instances must hear about (cache invalidation now, the change feed later). */
export interface Change {
  projectId: string;
  kind: "prompt" | "apikey" | "environment" | "project" | "provider" | "price" | "online_eval";
  /** What changed: a prompt name, an API key id, an environment name. */
  subject: string;
}

export type ChangeListener = (change: Change) => void;

/**
 * What differs between SQLite and PostgreSQL, in one place. Services and stores only see this
 * interface and the typed Kysely instance.
 */
export interface StorageEngine {
  readonly kind: "sqlite" | "postgres";
  readonly db: Kysely<Database>;
  /** An auto-incrementing integer primary key column. */
  identity(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Statements that make a table refuse UPDATE and DELETE. */
  appendOnlySql(table: string): string[];
  /**
   * Serialises writers of one project's event log until the transaction ends, so events commit
   * in id order and a reader that has seen id N will never later find a smaller one appear.
   */
  lockEventLog(trx: Transaction<Database>, projectId: string): Promise<void>;
  /** Serialises writers of one prompt: held until the transaction ends. */
  lockPrompt(trx: Transaction<Database>, promptId: string): Promise<void>;
  /**
   * Inserts traces and their scores in one transaction, skipping ids already stored (a retried
   * batch), and resolves once they are committed. Returns how many traces were new.
   */
  insertTraces(batch: StoredTraceBatch): Promise<number>;
  /** Whether a failed statement broke a unique constraint (a concurrent insert won). */
  isUniqueViolation(error: unknown): boolean;
  /** Tells every instance (this one included) that something changed. */
  publishChange(change: Change): Promise<void>;
  /** Hears changes from every instance; `reset` fires when changes may have been missed. */
  onChange(listener: ChangeListener, reset: () => void): () => void;
  close(): Promise<void>;
}
