import { NotFound, type Principal, Unauthorized } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { createContext } from "../context.js";
import { listEvents } from "../event/store.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { createApiKeyService } from "./service.js";

const AT = "2026-01-02T03:04:05.000Z";

describe.each(testEngines())("API keys on %s", (kind) => {
  const storage = useTestStorage(kind);

  /** A service on a clock the test moves, and an admin of a new project. */
  async function keysOfNewProject() {
    let now = new Date(AT);
    const keys = createApiKeyService(createContext(storage.engine, { clock: { now: () => now } }));
    const projectId = await storage.newProject(AT);
    const admin: Principal = { projectId, role: "admin", actor: "apikey:admin" };
    return { keys, admin, later: (ms: number) => (now = new Date(now.getTime() + ms)) };
  }

  it("lists only the project's own keys, oldest first, revoked ones with when", async () => {
    const { keys, admin, later } = await keysOfNewProject();
    const other = await keysOfNewProject();
    await other.keys.createApiKey(other.admin, {
      name: "elsewhere",
      role: "admin",
      kind: "bearer",
    });
    const ci = await keys.createApiKey(admin, { name: "ci", role: "editor", kind: "bearer" });
    later(1000);
    await keys.createApiKey(admin, { name: "app", role: "viewer", kind: "bearer" });
    later(1000);
    await keys.revokeApiKey(admin, ci.id);

    const listed = await keys.listApiKeys(admin);
    expect(listed.map((k) => [k.name, k.role, k.revokedAt])).toEqual([
      ["ci", "editor", "2026-01-02T03:04:07.000Z"],
      ["app", "viewer", null],
    ]);
    expect(listed[0]).toEqual({
      id: ci.id,
      name: "ci",
      role: "editor",
      prefix: ci.key.slice(0, 9),
      publicKey: null,
      createdAt: AT,
      createdBy: "apikey:admin",
      revokedAt: "2026-01-02T03:04:07.000Z",
    });
  });

  it("revokes a key once: revoking it again keeps the first time and records nothing more", async () => {
    const { keys, admin, later } = await keysOfNewProject();
    const created = await keys.createApiKey(admin, {
      name: "temp",
      role: "viewer",
      kind: "bearer",
    });
    later(60_000);
    const first = await keys.revokeApiKey(admin, created.id);
    later(60_000);
    const second = await keys.revokeApiKey(admin, created.id);
    expect(second.revokedAt).toBe(first.revokedAt);
    expect(first.revokedAt).toBe("2026-01-02T03:05:05.000Z");

    const events = await listEvents(
      storage.engine.db,
      admin.projectId,
      ["apikey.created", "apikey.revoked"],
      { limit: 10 },
    );
    expect(events.map((e) => [e.type, e.subject, e.payload])).toEqual([
      [
        "apikey.created",
        created.id,
        { name: "temp", role: "viewer", prefix: created.key.slice(0, 9) },
      ],
      ["apikey.revoked", created.id, { name: "temp" }],
    ]);
    expect(JSON.stringify(events)).not.toContain(created.key);
  });

  it("refuses to revoke an unknown key or another project's, which keeps working", async () => {
    const owner = await keysOfNewProject();
    const stranger = await keysOfNewProject();
    const created = await owner.keys.createApiKey(owner.admin, {
      name: "owned",
      role: "viewer",
      kind: "bearer",
    });
    await expect(stranger.keys.revokeApiKey(stranger.admin, created.id)).rejects.toThrow(NotFound);
    await expect(owner.keys.revokeApiKey(owner.admin, "no-such-key")).rejects.toThrow(
      "no API key with id 'no-such-key' in this project",
    );
    expect(await owner.keys.authenticate(created.key)).toMatchObject({
      projectId: owner.admin.projectId,
      role: "viewer",
    });
  });

  it("accepts a Langfuse pair's secret only together with its own public key", async () => {
    const { keys, admin } = await keysOfNewProject();
    const pair = await keys.createApiKey(admin, { name: "lf", role: "editor", kind: "langfuse" });
    const other = await keys.createApiKey(admin, { name: "lf2", role: "admin", kind: "langfuse" });
    const bearer = await keys.createApiKey(admin, { name: "app", role: "viewer", kind: "bearer" });
    expect(pair.key).toMatch(/^sk-lf-[A-Za-z0-9_-]{43}$/);
    expect(pair.publicKey).toMatch(/^pk-lf-[0-9a-f-]{36}$/);

    expect(await keys.authenticate(pair.key, pair.publicKey ?? "")).toEqual({
      projectId: admin.projectId,
      role: "editor",
      actor: "apikey:lf",
      keyId: pair.id,
    });
    await expect(keys.authenticate(pair.key)).rejects.toThrow(Unauthorized);
    await expect(keys.authenticate(pair.key, other.publicKey ?? "")).rejects.toThrow(Unauthorized);
    await expect(keys.authenticate(bearer.key, pair.publicKey ?? "")).rejects.toThrow(Unauthorized);
  });

  it("answers from memory only for bearer keys already seen, and forgets a key once revoked", async () => {
    const { keys, admin } = await keysOfNewProject();
    const bearer = await keys.createApiKey(admin, { name: "app", role: "viewer", kind: "bearer" });
    const pair = await keys.createApiKey(admin, { name: "lf", role: "viewer", kind: "langfuse" });
    expect(keys.peekPrincipal(bearer.key)).toBeUndefined();
    const principal = await keys.authenticate(bearer.key);
    // A change notification still on its way (PostgreSQL delivers them when it does) drops an
    // entry stored while it was pending; once the notifications are in, the entry stays.
    await expect
      .poll(async () => {
        await keys.authenticate(bearer.key);
        return keys.peekPrincipal(bearer.key);
      })
      .toEqual(principal);
    await keys.authenticate(pair.key, pair.publicKey ?? "");
    expect(keys.peekPrincipal(pair.key)).toBeUndefined();

    await keys.revokeApiKey(admin, bearer.id);
    expect(keys.peekPrincipal(bearer.key)).toBeUndefined();
    await expect(keys.authenticate(bearer.key)).rejects.toThrow(
      "the API key is unknown or revoked — create a new one",
    );
  });
});
