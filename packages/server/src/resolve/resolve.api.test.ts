import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

const name = "support/greeter";
const admin = `/api/v1/prompts/${enc(name)}`;
const client = `/api/v1/client/prompts/${enc(name)}`;

/** Publishes versions 1 and 2 of the chat prompt `promptName` and deploys 1 to production. */
async function seed(server: TestServer, promptName = name) {
  const prompt = `/api/v1/prompts/${enc(promptName)}`;
  await server.call("POST", "/api/v1/prompts", { name: promptName, type: "chat" });
  for (const greeting of ["Hello", "Hi"]) {
    await server.call("POST", `${prompt}/versions`, {
      commitMessage: greeting,
      content: {
        type: "chat",
        messages: [
          { role: "system", content: `${greeting} {{user}}, you are on the {{plan}} plan.` },
          { type: "placeholder", name: "history" },
        ],
        variables: {
          user: { type: "string", required: true, description: "display name" },
          plan: { type: "string", default: "free" },
        },
        config: { model: "gpt-4o-mini", temperature: 0 },
      },
    });
  }
  const deployed = await server.call("POST", `${prompt}/deployments`, {
    environment: "production",
    version: 1,
  });
  expect(deployed.status).toBe(201);
  return { admin: prompt, client: `/api/v1/client/prompts/${enc(promptName)}` };
}

describe.each(testEngines())("resolve and compile on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
    await seed(server);
  });
  afterAll(() => server?.stop());

  it("resolves production by default, ready to compile", async () => {
    const { status, body, headers } = await server.call("GET", client);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name, version: 1, semver: "1.0.0", label: "production" });
    expect(body.variables).toEqual([
      { name: "user", type: "string", required: true, description: "display name" },
      { name: "plan", type: "string", required: false, default: "free" },
    ]);
    expect(headers.get("etag")).toMatch(/^"[0-9a-f]{32}-1"$/);
  });

  it("resolves by label or exact version, and answers 304 to a matching ETag", async () => {
    expect((await server.call("GET", `${client}?label=latest`)).body.version).toBe(2);
    expect((await server.call("GET", `${client}?version=2`)).body).toMatchObject({
      version: 2,
      label: null,
    });
    const first = await server.call("GET", client);
    const response = await fetch(`${server.url}${client}`, {
      headers: {
        authorization: `Bearer ${server.adminKey}`,
        "if-none-match": first.headers.get("etag") ?? "",
      },
    });
    expect(response.status).toBe(304);
  });

  it("serves the new version right after a deploy or rollback (cache invalidated)", async () => {
    // Its own prompt: the labels it moves are no other test's.
    const own = await seed(server, uniqueName("support/greeter"));
    expect((await server.call("GET", own.client)).body.version).toBe(1);
    await server.call("POST", `${own.admin}/deployments`, {
      environment: "production",
      version: 2,
    });
    expect((await server.call("GET", own.client)).body.version).toBe(2);
    await server.call("POST", `${own.admin}/rollbacks`, { environment: "production" });
    expect((await server.call("GET", own.client)).body.version).toBe(1);
  });

  it("stops answering a key the moment it is revoked, even from memory", async () => {
    const created = await server.call("POST", "/api/v1/api-keys", { name: "app", role: "viewer" });
    for (let i = 0; i < 3; i++)
      expect((await server.call("GET", client, undefined, created.body.key)).status).toBe(200);
    await server.call("DELETE", `/api/v1/api-keys/${created.body.id}`);
    expect((await server.call("GET", client, undefined, created.body.key)).status).toBe(401);
  });

  it("compiles with variables, defaults and history", async () => {
    const { status, body } = await server.call("POST", `${client}/compile`, {
      variables: { user: "Ada" },
      placeholders: { history: [{ role: "user", content: "hi" }] },
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      name,
      version: 1,
      semver: "1.0.0",
      label: "production",
      type: "chat",
      messages: [
        { role: "system", content: "Hello Ada, you are on the free plan." },
        { role: "user", content: "hi" },
      ],
      config: { model: "gpt-4o-mini", temperature: 0 },
    });
  });

  it("names a missing required variable", async () => {
    const { status, body } = await server.call("POST", `${client}/compile`, { variables: {} });
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: "invalid", message: "missing required variable: user" });
  });

  it("answers 404 with a reason for unknown prompts and unset labels", async () => {
    const unknown = await server.call("GET", `/api/v1/client/prompts/${enc("no/such")}`);
    expect(unknown).toMatchObject({
      status: 404,
      body: { message: "no prompt named 'no/such' in this project" },
    });
    const unset = await server.call("GET", `${client}?label=staging`);
    expect(unset.status).toBe(404);
    expect(unset.body.message).toContain("no version labelled 'staging'");
    expect((await server.call("GET", `${client}?label=production&version=1`)).status).toBe(400);
  });
});

describe.runIf(testEngines().includes("postgres"))("several instances on postgres", () => {
  let a: TestServer;
  let b: TestServer;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    database = await freshDatabase("postgres");
    a = await startTestServer("postgres", database);
    b = await startTestServer("postgres", database);
    await seed(a);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it("a rollback through instance A is served by instance B (LISTEN/NOTIFY invalidation)", async () => {
    expect((await b.call("GET", client)).body.version).toBe(1);
    await a.call("POST", `${admin}/deployments`, { environment: "production", version: 2 });
    await expect.poll(async () => (await b.call("GET", client)).body.version).toBe(2);
    await a.call("POST", `${admin}/rollbacks`, { environment: "production" });
    await expect
      .poll(async () => (await b.call("GET", client)).body.version, { timeout: 2_000 })
      .toBe(1);
  });

  it("instance B starts over after its listening connection drops, so it misses no change", async () => {
    const drop = new pg.Client({ connectionString: database.databaseUrl });
    await drop.connect();
    await drop.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN%' and datname = current_database()",
    );
    await drop.end();
    // Cached by B while it may not be listening; the deploy's notification may never reach it.
    const before = (await b.call("GET", client)).body.version;
    const target = before === 1 ? 2 : 1;
    await a.call("POST", `${admin}/deployments`, { environment: "production", version: target });
    await expect
      .poll(async () => (await b.call("GET", client)).body.version, { timeout: 5_000 })
      .toBe(target);
  });

  it("a key revoked through instance A stops working on instance B", async () => {
    const created = await a.call("POST", "/api/v1/api-keys", { name: "app", role: "viewer" });
    expect((await b.call("GET", client, undefined, created.body.key)).status).toBe(200);
    await a.call("DELETE", `/api/v1/api-keys/${created.body.id}`);
    await expect
      .poll(async () => (await b.call("GET", client, undefined, created.body.key)).status)
      .toBe(401);
  });
});
