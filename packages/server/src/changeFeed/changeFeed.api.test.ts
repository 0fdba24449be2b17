import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTextPrompt,
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import { openSse, type SseConnection } from "../test-support/sse.js";

interface Event {
  id: number;
  type: string;
  name: string;
  payload: Record<string, unknown>;
}

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
  /** Each test's own prompt, with versions 1 and 2 published. */
  let name: string;
  let path: string;
  const publish = (text: string) =>
    server.call("POST", `${path}/versions`, {
      commitMessage: text,
      content: { type: "text", text },
    });

  beforeAll(async () => {
    server = await startTestServer(engine, undefined, { feedHeartbeatSeconds: 0.2 });
  });
  beforeEach(async () => {
    name = uniqueName("feed/agent");
    path = await createTextPrompt(server, name, ["a", "b"]);
  });
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    // The next test subscribes as the first subscriber would, not to a feed this one kept alive.
    await expect.poll(() => server.services.feed.stats.streams).toBe(0);
  });
  afterAll(() => server?.stop());

  it("pushes new versions, deploys and rollbacks as they happen, with increasing ids", async () => {
    const feed = await subscribe(server);
    open.push(feed);
    await server.call("POST", `${path}/deployments`, { environment: "production", version: 1 });
    await server.call("POST", `${path}/deployments`, { environment: "production", version: 2 });
    await server.call("POST", `${path}/rollbacks`, { environment: "production", reason: "bad" });
    await publish("c");
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
    await publish("c");
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
    await publish("c");
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

  it("tells a subscriber past the newest event to reset, and goes on from the newest", async () => {
    const ahead = await subscribe(server, { "last-event-id": "999999999" });
    open.push(ahead);
    await expect.poll(() => ahead.frames.some((f) => f.event === "reset")).toBe(true);
    const reset = ahead.frames.find((f) => f.event === "reset");
    const { position, reason } = JSON.parse(reset?.data ?? "{}");
    expect(reason).toMatch(/past the newest event/);
    expect(Number(reset?.id)).toBe(position);
    await server.call("POST", `${path}/deployments`, { environment: "staging", version: 1 });
    await expect.poll(() => ahead.events<Event>().some((e) => e.id > position)).toBe(true);
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

describe.each(testEngines())("a change feed far behind on %s", (engine) => {
  it("serves hundreds of subscribers from the start without reading the log for each: they are told to reset", async () => {
    const server = await startTestServer(engine);
    const open: SseConnection[] = [];
    try {
      const path = await createTextPrompt(server, uniqueName("feed/agent"), ["a", "b"]);
      // More feed events than the server keeps.
      for (let i = 0; i < 26; i++) {
        await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            server.call("POST", `${path}/deployments`, {
              environment: "development",
              version: ((i + j) % 2) + 1,
            }),
          ),
        );
      }
      const reads = server.services.feed.stats.logReads;
      for (let i = 0; i < 100; i++) open.push(await subscribe(server, {}, "?after=0"));
      for (const feed of open) {
        await expect.poll(() => feed.frames.some((f) => f.event === "reset")).toBe(true);
      }
      expect(
        JSON.parse(open[0]?.frames.find((f) => f.event === "reset")?.data ?? "{}"),
      ).toMatchObject({
        reason: expect.stringMatching(/older than the events this server keeps/),
      });
      expect(server.services.feed.stats.logReads - reads).toBeLessThan(5);
      const changes = (feed: SseConnection) =>
        feed.frames.filter((f) => f.event && f.event !== "reset");
      expect(open.flatMap(changes)).toEqual([]);
      // Within the window, a subscriber still gets exactly what it missed.
      const ids = (await server.call("GET", "/api/v1/events?type=label.deployed&limit=3")).body
        .items as { id: number }[];
      const recent = await subscribe(server, { "last-event-id": String(ids[2]?.id) });
      open.push(recent);
      await expect
        .poll(() => recent.events<Event>().map((e) => e.id))
        .toEqual([ids[1]?.id, ids[0]?.id]);
    } finally {
      for (const feed of open) feed.close();
      await server.stop();
    }
  }, 120_000);
});

describe.runIf(testEngines().includes("postgres"))("change feed across instances", () => {
  it("survives the database dropping every connection, and delivers what came after", async () => {
    const database = await freshDatabase("postgres");
    const server = await startTestServer("postgres", database);
    try {
      const path = await createTextPrompt(server, uniqueName("feed/agent"), ["a"]);
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
      const path = await createTextPrompt(a, uniqueName("feed/agent"), ["a"]);
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
