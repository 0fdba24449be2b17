import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

const TRACES_PER_BATCH = 4000;
const FILLER = "The order arrived with a broken pole; please replace it or refund me. ".repeat(33);

/** A batch of about 10 MB whose trace ids all start with `prefix`. */
function largeBatch(prefix: string): string {
  const traces = Array.from({ length: TRACES_PER_BATCH }, (_, i) => ({
    id: `${prefix}-${i}`,
    startTime: new Date(Date.UTC(2026, 10, 20, 0, 0, i)).toISOString(),
    model: "gpt-4o",
    input: [{ role: "user", content: `${i}: ${FILLER}` }],
    output: { role: "assistant", content: "A new pole ships within two business days." },
    usage: { inputTokens: 700, outputTokens: 20 },
  }));
  const body = JSON.stringify({ traces });
  expect(body.length).toBeGreaterThan(10_000_000);
  return body;
}

/**
 * Holds every batch that reaches storage until `release()`, so the test decides when a batch's
 * turn ends instead of racing it.
 */
function holdStorage(server: TestServer) {
  const { engine } = server.services;
  const insert = engine.insertTraces.bind(engine);
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = { arrived: 0, release };
  vi.spyOn(engine, "insertTraces").mockImplementation(async (batch) => {
    held.arrived++;
    await released;
    return insert(batch);
  });
  return held;
}

// Tens of megabytes go through each test: generous, for loaded CI machines.
const slow = { timeout: 120_000 };

describe.each(testEngines())("large trace batches (%s)", (kind) => {
  let server: TestServer;
  const keys: string[] = [];

  const post = (body: string, key = server.adminKey) =>
    fetch(`${server.url}/api/v1/traces`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
    });

  const stored = async (prefix: string) => {
    const row = await server.services.engine.db
      .selectFrom("traces")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("id", "like", `${prefix}-%`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    for (const name of ["app-a", "app-b", "app-c"]) {
      const created = await server.call<{ key: string }>("POST", "/api/v1/api-keys", {
        name,
        role: "viewer",
      });
      keys.push(created.body.key);
    }
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => server.stop());

  it(
    "one key's concurrent large batches: one is stored whole, the others are refused with Retry-After until it is done",
    slow,
    async () => {
      const prefixes = ["one-key-a", "one-key-b", "one-key-c", "one-key-d"];
      const bodies = prefixes.map(largeBatch);
      const held = holdStorage(server);
      let answered = 0;
      const responses = bodies.map((body) =>
        post(body).then(async (response) => {
          answered++;
          return {
            status: response.status,
            retryAfter: response.headers.get("retry-after"),
            body: await response.json(),
          };
        }),
      );
      // Storage is released once the refusals are in — or as soon as a second batch reaches it,
      // which means nothing stopped the key's batches from running side by side.
      await vi.waitFor(() => expect(answered >= 3 || held.arrived >= 2).toBe(true), {
        timeout: 60_000,
        interval: 20,
      });
      held.release();
      const results = await Promise.all(responses);

      expect(results.map((r) => r.status).sort()).toEqual([200, 429, 429, 429]);
      for (const refused of results.filter((r) => r.status === 429)) {
        expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(refused.body.code).toBe("rate_limited");
        expect(refused.body.message).toContain("one at a time");
      }
      const counts = await Promise.all(prefixes.map(stored));
      counts.forEach((count, i) => {
        expect(count).toBe(results[i]?.status === 200 ? TRACES_PER_BATCH : 0);
      });

      // Its turn over, the key's next batch goes through.
      const retried = results.findIndex((r) => r.status === 429);
      const again = await post(bodies[retried] as string);
      expect(again.status).toBe(200);
      expect((await again.json()).accepted).toBe(TRACES_PER_BATCH);
      expect(await stored(prefixes[retried] as string)).toBe(TRACES_PER_BATCH);
    },
  );

  it(
    "large batches of different keys take turns: two at once, the third waits and is then stored whole",
    slow,
    async () => {
      const prefixes = ["turns-a", "turns-b", "turns-c"];
      const bodies = prefixes.map(largeBatch);
      const held = holdStorage(server);
      const responses = bodies.map((body, i) => post(body, keys[i]));
      await vi.waitFor(
        () => {
          const waiting = held.arrived === 2 && server.services.uploads.stats.waiting === 1;
          expect(held.arrived >= 3 || waiting).toBe(true);
        },
        { timeout: 60_000, interval: 20 },
      );
      // Two batches at storage and the third still waiting for its turn, not being worked on.
      expect(held.arrived).toBe(2);
      held.release();
      const results = await Promise.all(responses);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(await Promise.all(prefixes.map(stored))).toEqual(prefixes.map(() => TRACES_PER_BATCH));
      expect(server.services.uploads.stats).toEqual({ active: 0, waiting: 0 });
    },
  );

  it(
    "/healthz answers while a large batch is being validated, before it reaches storage",
    slow,
    async () => {
      const body = largeBatch("healthz");
      // The project's price table is read once and cached: no database wait in the batch below
      // could let /healthz in, only the validation's own pauses.
      expect(
        (await post(JSON.stringify({ traces: [{ startTime: new Date().toISOString() }] }))).status,
      ).toBe(200);

      const events: string[] = [];
      const { engine, traces } = server.services;
      const insert = engine.insertTraces.bind(engine);
      vi.spyOn(engine, "insertTraces").mockImplementation((batch) => {
        events.push("batch stored");
        return insert(batch);
      });
      const ingest = traces.ingest.bind(traces);
      let health: Promise<void> | undefined;
      vi.spyOn(traces, "ingest").mockImplementation((...args) => {
        // Asked the moment the batch is handed over for validation.
        health = fetch(`${server.url}/healthz`).then((r) => {
          events.push(`healthz ${r.status}`);
        });
        return ingest(...args);
      });

      const response = await post(body);
      await health;
      expect(response.status).toBe(200);
      expect(events).toEqual(["healthz 200", "batch stored"]);
    },
  );
});
