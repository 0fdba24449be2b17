import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTextPrompt,
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

describe.each(testEngines())("deploy and rollback on %s", (engine) => {
  let server: TestServer;
  /** Each test's own prompt, with versions 1-3 published and no label moved yet. */
  let name: string;
  let path: string;

  const deploy = (version: number, environment = "production", reason?: string) =>
    server.call("POST", `${path}/deployments`, { environment, version, ...(reason && { reason }) });
  const rollback = (body: Record<string, unknown> = {}) =>
    server.call("POST", `${path}/rollbacks`, { environment: "production", ...body });
  const served = async (environment = "production") =>
    (await server.call("GET", path)).body.labels[environment];

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    name = uniqueName("billing/invoice-explainer");
    path = await createTextPrompt(server, name, ["one", "two", "three"]);
  });
  afterAll(() => server?.stop());

  it("records who moved which label from where to where, and why", async () => {
    const first = await deploy(1, "production", "initial launch");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      name,
      environment: "production",
      kind: "deploy",
      fromVersion: null,
      toVersion: 1,
      actor: "apikey:admin",
      reason: "initial launch",
    });
    await deploy(2);
    await deploy(3);
    expect(await served()).toBe(3);
  });

  it("records a blank reason as none, as the history shows a move without one", async () => {
    const first = await server.call("POST", `${path}/deployments`, {
      environment: "production",
      version: 1,
      reason: "   ",
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ toVersion: 1, reason: null });
  });

  it("rollback restores the label's previous version, and rollbacks stack", async () => {
    for (const version of [1, 2, 3]) await deploy(version);
    const first = await rollback({ reason: "v3 hallucinates" });
    expect(first.body).toMatchObject({
      kind: "rollback",
      fromVersion: 3,
      toVersion: 2,
      reason: "v3 hallucinates",
    });
    expect(await served()).toBe(2);
    const second = await rollback();
    expect(second.body).toMatchObject({ fromVersion: 2, toVersion: 1 });
    const third = await rollback();
    expect(third.status).toBe(409);
    expect(third.body.message).toContain("no earlier version");
    expect(await served()).toBe(1);
  });

  it("rolls back to a named version", async () => {
    await deploy(3);
    await deploy(1);
    const { body } = await rollback({ toVersion: 3 });
    expect(body).toMatchObject({ kind: "rollback", fromVersion: 1, toVersion: 3, revertsId: null });
    expect(await served()).toBe(3);
  });

  it("refuses a rollback to a version the environment never served: that is a deploy, through its gate", async () => {
    await deploy(1, "staging");
    await deploy(3, "production");
    const unserved = await rollback({ environment: "staging", toVersion: 2 });
    expect(unserved.status).toBe(409);
    expect(unserved.body.message).toBe(
      `'staging' has never served v2 of '${name}': deploy it instead, through its gate`,
    );
    // v3 served in production is not served in staging.
    expect((await rollback({ environment: "staging", toVersion: 3 })).status).toBe(409);
    expect(await served("staging")).toBe(1);
    await deploy(2, "staging");
    expect((await rollback({ environment: "staging", toVersion: 1 })).status).toBe(201);
    expect((await rollback({ environment: "staging", toVersion: 2 })).status).toBe(201);
    expect(await served("staging")).toBe(2);
  });

  it("serves label history newest first and answers which version served at a time", async () => {
    for (const version of [1, 2, 3]) await deploy(version);
    await rollback();
    await rollback();
    await rollback({ toVersion: 3 });
    const { body } = await server.call("GET", `${path}/deployments?environment=production`);
    const moves = body.items.map(
      (m: { kind: string; toVersion: number }) => `${m.kind}:${m.toVersion}`,
    );
    expect(moves).toEqual([
      "rollback:3",
      "rollback:1",
      "rollback:2",
      "deploy:3",
      "deploy:2",
      "deploy:1",
    ]);
    const secondDeploy = body.items[4];
    const at = await server.call(
      "GET",
      `${path}/labels/at?environment=production&at=${enc(secondDeploy.createdAt)}`,
    );
    expect(at.body.version).toBe(2);
    const before = await server.call(
      "GET",
      `${path}/labels/at?environment=production&at=2000-01-01T00:00:00Z`,
    );
    expect(before.body).toMatchObject({ version: null, deployment: null });
  });

  it("refuses moves to unknown versions or environments, and moving 'latest'", async () => {
    expect((await deploy(99)).status).toBe(404);
    expect((await deploy(1, "nowhere")).body.message).toContain("no environment named 'nowhere'");
    const latest = await deploy(1, "latest");
    expect(latest.status).toBe(400);
    expect(latest.body.message).toContain("managed automatically");
  });

  it("creates custom environments and deploys to them", async () => {
    const created = await server.call("POST", "/api/v1/environments", { name: "eu-prod" });
    expect(created.status).toBe(201);
    expect((await server.call("POST", "/api/v1/environments", { name: "eu-prod" })).status).toBe(
      409,
    );
    expect((await deploy(2, "eu-prod")).status).toBe(201);
    expect(await served("eu-prod")).toBe(2);
    const envs = await server.call("GET", "/api/v1/environments");
    expect(envs.body.items.map((e: { name: string }) => e.name)).toEqual([
      "development",
      "production",
      "staging",
      "eu-prod",
    ]);
  });

  it("keeps protected environments for roles allowed to move them", async () => {
    const editor = (await server.call("POST", "/api/v1/api-keys", { name: "pm", role: "editor" }))
      .body.key;
    const refused = await server.call(
      "POST",
      `${path}/deployments`,
      { environment: "production", version: 1 },
      editor,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain("protected");
    const allowed = await server.call(
      "POST",
      `${path}/deployments`,
      { environment: "staging", version: 1 },
      editor,
    );
    expect(allowed.status).toBe(201);
    expect(allowed.body.actor).toBe("apikey:pm");
  });
});

describe.each(testEngines())("concurrency on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server?.stop());

  it("50 concurrent publishes of one prompt yield 50 consecutive versions, none lost", async () => {
    const path = `/api/v1/prompts/${enc("load/publish")}`;
    await server.call("POST", "/api/v1/prompts", { name: "load/publish", type: "text" });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.call("POST", `${path}/versions`, {
          commitMessage: `c${i}`,
          content: { type: "text", text: `v ${i}` },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = results.map((r) => r.body.version as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const texts = new Set(results.map((r) => r.body.content.text));
    expect(texts.size).toBe(50);
    const { body } = await server.call("GET", `${path}/versions`);
    expect(body.items).toHaveLength(50);
  });

  it("concurrent deploys of one label serialise and every move is in the history", async () => {
    const path = `/api/v1/prompts/${enc("load/deploy")}`;
    await server.call("POST", "/api/v1/prompts", { name: "load/deploy", type: "text" });
    for (let i = 1; i <= 10; i++) {
      await server.call("POST", `${path}/versions`, {
        commitMessage: `${i}`,
        content: { type: "text", text: `${i}` },
      });
    }
    const moves = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        server.call("POST", `${path}/deployments`, {
          environment: "staging",
          version: (i % 10) + 1,
        }),
      ),
    );
    expect(moves.every((m) => m.status === 201)).toBe(true);
    const { body } = await server.call("GET", `${path}/deployments?environment=staging&limit=1000`);
    expect(body.items).toHaveLength(30);
    // Serialised: each move starts where the previous one (by id) ended.
    const chronological = [...body.items].reverse();
    chronological.forEach((m: { fromVersion: number | null }, i: number) => {
      expect(m.fromVersion).toBe(i === 0 ? null : chronological[i - 1].toVersion);
    });
    const current = (await server.call("GET", path)).body.labels.staging;
    expect(current).toBe(chronological.at(-1).toVersion);
  });
});
