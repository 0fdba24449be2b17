import { Conflict, NotFound, type Principal } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { createContext } from "../context.js";
import { listEvents } from "../event/store.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { createEnvironmentService } from "./service.js";

const AT = "2026-01-02T03:04:05.000Z";

describe.each(testEngines())("environments on %s", (kind) => {
  const storage = useTestStorage(kind);
  const environments = () =>
    createEnvironmentService(createContext(storage.engine, { clock: { now: () => new Date(AT) } }));
  const adminOf = async (): Promise<Principal> => ({
    projectId: await storage.newProject(AT),
    role: "admin",
    actor: "apikey:release-bot",
  });

  it("creates an environment protected or not, by its creator, and records it", async () => {
    const service = environments();
    const admin = await adminOf();
    expect(await service.createEnvironment(admin, { name: "eu-prod", protected: true })).toEqual({
      name: "eu-prod",
      protected: true,
      createdAt: AT,
      createdBy: "apikey:release-bot",
    });
    await service.createEnvironment(admin, { name: "qa", protected: false });
    expect((await service.listEnvironments(admin)).map((e) => [e.name, e.protected])).toEqual([
      ["eu-prod", true],
      ["qa", false],
    ]);
    const events = await listEvents(storage.engine.db, admin.projectId, ["environment.created"], {
      limit: 10,
    });
    expect(events.map((e) => [e.subject, e.payload, e.actor])).toEqual([
      ["eu-prod", { protected: true }, "apikey:release-bot"],
      ["qa", { protected: false }, "apikey:release-bot"],
    ]);
  });

  it("refuses a name the project already has, records nothing, and leaves other projects free to use it", async () => {
    const service = environments();
    const first = await adminOf();
    const second = await adminOf();
    await service.createEnvironment(first, { name: "canary", protected: false });
    const again = service.createEnvironment(first, { name: "canary", protected: true });
    await expect(again).rejects.toThrow(Conflict);
    await expect(again).rejects.toThrow("environment 'canary' already exists");
    const events = await listEvents(storage.engine.db, first.projectId, ["environment.created"], {
      limit: 10,
    });
    expect(events).toHaveLength(1);
    expect((await service.listEnvironments(first))[0]?.protected).toBe(false);

    await service.createEnvironment(second, { name: "canary", protected: true });
    expect(await service.listEnvironments(second)).toMatchObject([
      { name: "canary", protected: true },
    ]);
  });

  it("finds an environment only in its own project, and says how to create a missing one", async () => {
    const service = environments();
    const owner = await adminOf();
    const stranger = await adminOf();
    await service.createEnvironment(owner, { name: "eu-prod", protected: true });
    expect(await service.requireEnvironment(owner.projectId, "eu-prod")).toMatchObject({
      projectId: owner.projectId,
      name: "eu-prod",
      protected: true,
    });
    const missing = service.requireEnvironment(stranger.projectId, "eu-prod");
    await expect(missing).rejects.toThrow(NotFound);
    await expect(missing).rejects.toThrow(
      "no environment named 'eu-prod' — list them with GET /api/v1/environments or create it with POST /api/v1/environments",
    );
  });
});
