import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
} from "../test-support/harness.js";
import { openSse, type SseConnection } from "../test-support/sse.js";

interface Event {
  id: number;
  type: string;
  name: string;
  payload: Record<string, unknown>;
}

const name = "feed/agent";
const path = `/api/v1/prompts/${enc(name)}`;

async function subscribe(server: TestServer, headers: Record<string, string> = {}, query = "") {
  const connection = await openSse(`${server.url}/api/v1/changes${query}`, {
    authorization: `Bearer ${server.adminKey}`,
    ...headers,
  });
  await expect.poll(() => connection.frames.length).toBeGreaterThan(0);
  return connection;
}

describe.each(testEngines())("change feed on %s", (engine) => {
  let server: TestServer;
  const open: SseConnection[] = [];
  beforeAll(async () => {
    server = await startTestServer(engine, undefined, { feedHeartbeatSeconds: 0.2 });
    await server.call("POST", "/api/v1/prompts", { name, type: "text" });
    for (const text of ["a", "b"]) {
      await server.call("POST", `${path}/versions`, {
        commitMessage: text,
        content: { type: "text", text },
      });
    }
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.stop();
  });

  it("pushes new versions, deploys and rollbacks as they happen, with increasing ids", async () => {
    const feed = await subscribe(server);
    open.push(feed);
    await server.call("POST", `${path}/deployments`, { environment: "production", version: 1 });
    await server.call("POST", `${path}/deployments`, { environment: "production", version: 2 });
    await server.call("POST", `${path}/rollbacks`, { environment: "production", reason: "bad" });
    await server.call("POST", `${path}/versions`, {
      commitMessage: "c",
      content: { type: "text", text: "c" },
    });
    await expect.poll(() => feed.events<Event>().length).toBe(4);
    const events = feed.events<Event>();
    expect(events.map((e) => e.type)).toEqual([
      "label.deployed",
      "label.deployed",
      "label.rolled_back",
      "version.published",
    ]);
    expect(events[2]).toMatchObject({
      name,
      payload: { environment: "production", from: 2, to: 1, reason: "bad" },
    });
    const ids = events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(feed.frames.filter((f) => f.event).map((f) => Number(f.id))).toEqual(ids);
  });

  it("resumes after Last-Event-ID without losing or repeating events", async () => {
    const first = await subscribe(server);
    await server.call("POST", `${path}/deployments`, { environment: "staging", version: 1 });
    await expect.poll(() => first.events<Event>().length).toBe(1);
    const lastSeen = first.events<Event>()[0]?.id ?? 0;
    first.close();
    await server.call("POST", `${path}/deployments`, { environment: "staging", version: 2 });
    await server.call("POST", `${path}/deployments`, { environment: "staging", version: 3 });
    const resumed = await subscribe(server, { "last-event-id": String(lastSeen) });
    open.push(resumed);
    await expect.poll(() => resumed.events<Event>().length).toBe(2);
    expect(resumed.events<Event>().map((e) => e.payload.to)).toEqual([2, 3]);
    const viaQuery = await subscribe(server, {}, `?after=${lastSeen}`);
    open.push(viaQuery);
    await expect.poll(() => viaQuery.events<Event>().length).toBe(2);
  });

  it("sends heartbeats and a retry delay on an idle stream", async () => {
    const idle = await subscribe(server);
    open.push(idle);
    expect(idle.frames[0]?.comment).toContain("connected");
    await expect
      .poll(() => idle.frames.filter((f) => f.comment === "heartbeat").length)
      .toBeGreaterThan(1);
  });

  it("delivers every one of many concurrent moves, in commit order", async () => {
    const feed = await subscribe(server);
    open.push(feed);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.call("POST", `${path}/deployments`, {
          environment: "development",
          version: (i % 3) + 1,
        }),
      ),
    );
    await expect.poll(() => feed.events<Event>().length).toBe(20);
    const chain = feed.events<Event>();
    chain.forEach((e, i) => {
      if (i > 0) expect(e.payload.from).toBe(chain[i - 1]?.payload.to);
    });
  });

  it("a subscriber behind only events the feed does not carry waits for news instead of asking again and again", async () => {
    const head = await subscribe(server);
    head.close();
    const cursor = Number(/connected at event (\d+)/.exec(head.frames[0]?.comment ?? "")?.[1]);
    // Draft saves, keys and prices are audit events, not feed events.
    for (const text of ["draft 1", "draft 2"]) {
      await server.call("PUT", `${path}/draft`, { type: "text", text });
    }
    await server.call("POST", "/api/v1/api-keys", { name: "feed-test", role: "viewer" });
    const readsBefore = server.services.feed.stats.logReads;
    const behind = await subscribe(server, { "last-event-id": String(cursor) });
    const fromStart = await subscribe(server, {}, "?after=0");
    open.push(behind, fromStart);
    await expect
      .poll(() => behind.frames.filter((f) => f.comment === "heartbeat").length)
      .toBeGreaterThan(2);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // A handful of reads for two subscribers, not one per turn of a loop.
    expect(server.services.feed.stats.logReads - readsBefore).toBeLessThan(10);
    const deploy = await server.call("POST", `${path}/deployments`, {
      environment: "production",
      version: 1,
    });
    expect(deploy.status).toBe(201);
    await expect.poll(() => behind.events<Event>().map((e) => e.type)).toContain("label.deployed");
    expect(behind.events<Event>().every((e) => e.id > cursor)).toBe(true);
  });

  it("needs a key that may read", async () => {
    const anonymous = await fetch(`${server.url}/api/v1/changes`);
    expect(anonymous.status).toBe(401);
    const bad = await fetch(`${server.url}/api/v1/changes?after=-1`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(bad.status).toBe(400);
  });
});

describe.runIf(testEngines().includes("postgres"))("change feed across instances", () => {
  it("survives the database dropping every connection, and delivers what came after", async () => {
    const database = await freshDatabase("postgres");
    const server = await startTestServer("postgres", database);
    try {
      await server.call("POST", "/api/v1/prompts", { name, type: "text" });
      await server.call("POST", `${path}/versions`, {
        commitMessage: "a",
        content: { type: "text", text: "a" },
      });
      const feed = await subscribe(server);
      const admin = new pg.Client({ connectionString: database.databaseUrl });
      await admin.connect();
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
      );
      await admin.end();
      // The first request after the drop may meet a dead pooled connection; the server lives on.
      await expect
        .poll(
          async () =>
            (
              await server.call("POST", `${path}/deployments`, {
                environment: "staging",
                version: 1,
              })
            ).status,
          {
            timeout: 5_000,
          },
        )
        .toBe(201);
      await expect
        .poll(() => feed.events<Event>().some((e) => e.type === "label.deployed"), {
          timeout: 5_000,
        })
        .toBe(true);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      feed.close();
    } finally {
      await server.stop();
      await database.drop();
    }
  });

  it("a change through instance A reaches subscribers of instance B", async () => {
    const database = await freshDatabase("postgres");
    const a = await startTestServer("postgres", database);
    const b = await startTestServer("postgres", database);
    try {
      await a.call("POST", "/api/v1/prompts", { name, type: "text" });
      await a.call("POST", `${path}/versions`, {
        commitMessage: "a",
        content: { type: "text", text: "a" },
      });
      const feed = await subscribe(b);
      await a.call("POST", `${path}/deployments`, { environment: "production", version: 1 });
      await expect.poll(() => feed.events<Event>().map((e) => e.type)).toEqual(["label.deployed"]);
      feed.close();
    } finally {
      await a.stop();
      await b.stop();
      await database.drop();
    }
  });
});
