import { describe, expect, it, onTestFinished } from "vitest";
import { createApiKeyService } from "../apiKey/service.js";
import { ConfigError } from "../config.js";
import { createContext, type ServiceContext } from "../context.js";
import { listEvents } from "../event/store.js";
import { openStorage } from "../storage/index.js";
import { type EngineKind, freshDatabase, testEngines } from "../test-support/harness.js";
import { bootstrapDefaultProject } from "./service.js";

const ADMIN_KEY = "pl_init_admin_key_0123456789abcdef";

/** Contexts of `instances` servers on one new, empty database (what a first start finds). */
async function emptyDatabase(
  kind: EngineKind,
  instances = 1,
): Promise<[ServiceContext, ...ServiceContext[]]> {
  const database = await freshDatabase(kind);
  const first = createContext(await openStorage(database));
  const others: ServiceContext[] = [];
  for (let i = 1; i < instances; i++) others.push(createContext(await openStorage(database)));
  onTestFinished(async () => {
    for (const ctx of [first, ...others]) await ctx.engine.close();
    await database.drop();
  });
  return [first, ...others];
}

describe.each(testEngines())("the default project on %s", (kind) => {
  it("starts with production protected, staging and development open, and records who made them", async () => {
    const [ctx] = await emptyDatabase(kind);
    const { projectId } = await bootstrapDefaultProject(ctx, {});
    const environments = await ctx.engine.db
      .selectFrom("environments")
      .select(["name", "protected", "createdBy"])
      .where("projectId", "=", projectId)
      .orderBy("name")
      .execute();
    expect(environments).toEqual([
      { name: "development", protected: false, createdBy: "system" },
      { name: "production", protected: true, createdBy: "system" },
      { name: "staging", protected: false, createdBy: "system" },
    ]);
    const events = await listEvents(
      ctx.engine.db,
      projectId,
      ["project.created", "apikey.created"],
      { limit: 10 },
    );
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["project.created", "system"],
      ["apikey.created", "system"],
    ]);
  });

  it("adds an init admin key given on a later start, beside the key generated on the first", async () => {
    const [ctx] = await emptyDatabase(kind);
    const first = await bootstrapDefaultProject(ctx, {});
    const later = await bootstrapDefaultProject(ctx, { adminKey: ADMIN_KEY });
    expect(later).toEqual({ projectId: first.projectId });
    const keys = createApiKeyService(ctx);
    expect(await keys.authenticate(first.generatedAdminKey ?? "")).toMatchObject({
      projectId: first.projectId,
      role: "admin",
      actor: "apikey:admin",
    });
    // Named apart from the first, so the list of keys says which is which.
    expect(await keys.authenticate(ADMIN_KEY)).toMatchObject({
      projectId: first.projectId,
      role: "admin",
      actor: "apikey:recovery",
    });
  });

  it("leaves a revoked init admin key revoked when it is given again on the next start", async () => {
    const [ctx] = await emptyDatabase(kind);
    const { projectId } = await bootstrapDefaultProject(ctx, { adminKey: ADMIN_KEY });
    const keys = createApiKeyService(ctx);
    const admin = await keys.authenticate(ADMIN_KEY);
    await keys.revokeApiKey(admin, admin.keyId ?? "");

    expect(await bootstrapDefaultProject(ctx, { adminKey: ADMIN_KEY })).toEqual({ projectId });
    await expect(keys.authenticate(ADMIN_KEY)).rejects.toThrow("unknown or revoked");
    expect(await keys.listApiKeys(admin)).toHaveLength(1);
  });

  it("refuses an init admin key that is already a key pair's secret, naming the setting", async () => {
    const [ctx] = await emptyDatabase(kind);
    const pair = { publicKey: "pk-lf-init", secretKey: "sk-lf-initial-secret-0123456789" };
    await bootstrapDefaultProject(ctx, { pair });
    const reused = bootstrapDefaultProject(ctx, { adminKey: pair.secretKey, pair });
    await expect(reused).rejects.toThrow(ConfigError);
    await expect(reused).rejects.toThrow(
      "PROMPTLINE_INIT_ADMIN_KEY is already registered as a key pair's secret — choose another key",
    );
  });
});

// Several instances share a database on PostgreSQL; SQLite is one process's file.
describe.runIf(testEngines().includes("postgres"))("several instances on postgres", () => {
  it("gives instances starting together on one empty database one project and one key to show", async () => {
    const contexts = await emptyDatabase("postgres", 2);
    const starts = await Promise.all(contexts.map((ctx) => bootstrapDefaultProject(ctx, {})));
    expect(new Set(starts.map((s) => s.projectId)).size).toBe(1);
    const shown = starts.flatMap((s) => (s.generatedAdminKey ? [s.generatedAdminKey] : []));
    expect(shown).toHaveLength(1);
    const [ctx] = contexts;
    expect(await ctx.engine.db.selectFrom("projects").select("id").execute()).toHaveLength(1);
    expect(await createApiKeyService(ctx).authenticate(shown[0] ?? "")).toMatchObject({
      projectId: starts[0]?.projectId,
      role: "admin",
    });
  });
});
