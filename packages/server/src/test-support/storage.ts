import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { insertProject } from "../project/store.js";
import type { StorageEngine } from "../storage/engine.js";
import { openStorage } from "../storage/index.js";
import { type EngineKind, freshDatabase } from "./harness.js";

export interface TestStorage {
  /** The storage open on the fresh database (from the block's beforeAll on). */
  readonly engine: StorageEngine;
  /** A new project's id, named `project-<id>`, created at `createdAt`. */
  newProject(createdAt: string): Promise<string>;
}

/** Storage on a fresh database of `kind` for one describe block: opened before it, dropped after. */
export function useTestStorage(kind: EngineKind): TestStorage {
  let engine: StorageEngine | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await freshDatabase(kind);
    drop = database.drop;
    engine = await openStorage(database);
  });
  afterAll(async () => {
    await engine?.close();
    await drop?.();
  });
  const storage: TestStorage = {
    get engine() {
      if (!engine) throw new Error("the test storage opens in beforeAll");
      return engine;
    },
    async newProject(createdAt) {
      const id = randomUUID();
      await insertProject(storage.engine.db, { id, name: `project-${id}`, createdAt });
      return id;
    },
  };
  return storage;
}
