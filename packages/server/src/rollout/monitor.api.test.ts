import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createContext } from "../context.js";
import {
  enc,
  freshDatabase,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";
import { openSse } from "../test-support/sse.js";
import { RolloutMonitor } from "./monitor.js";

const ZERO_HOLDS = [
  { weight: 1000, holdMinutes: 0 },
  { weight: 5000, holdMinutes: 0 },
  { weight: 10000, holdMinutes: 0 },
];
const ERROR_RATE = { metric: "error_rate", worseWhen: "higher", tolerance: 0.02 };
const WAIT = { timeout: 20_000, interval: 50 };

interface Watched {
  name: string;
  path: string;
  env: string;
  id: number;
}

/** A prompt with versions 1 and 2, version 1 deployed on a new environment, and a canary of 2. */
async function startCanary(server: TestServer, canary = ZERO_HOLDS): Promise<Watched> {
  const name = uniqueName("support/monitored");
  const path = `/api/v1/prompts/${enc(name)}`;
  await server.call("POST", "/api/v1/prompts", { name, type: "text" });
  for (const text of ["One.", "Two."]) {
    await server.call("POST", `${path}/versions`, {
      commitMessage: text,
      content: { type: "text", text },
    });
  }
  const env = uniqueName("canary-env");
  await server.call("POST", "/api/v1/environments", { name: env, protected: false });
  await server.call("POST", `${path}/deployments`, { environment: env, version: 1 });
  const started = await server.call("POST", `${path}/rollouts`, {
    environment: env,
    strategy: "canary",
    candidates: [{ version: 2 }],
    canary,
    guardrails: [ERROR_RATE],
    minSamples: 20,
  });
  expect(started.status).toBe(201);
  return { name, path, env, id: started.body.id };
}

/** Calls an application reports for the rollout's arms, started now: `errors` of them failed. */
async function report(
  server: TestServer,
  w: Watched,
  variant: "control" | "candidate",
  count: number,
  errors = 0,
) {
  const startTime = new Date().toISOString();
  const traces = Array.from({ length: count }, (_, i) => ({
    startTime,
    prompt: { name: w.name, version: variant === "control" ? 1 : 2, label: w.env },
    variant,
    latencyMs: 120,
    status: i < errors ? "error" : "ok",
    userId: `user-${variant}-${i}`,
  }));
  const stored = await server.call("POST", "/api/v1/traces", { traces });
  expect(stored.body.accepted).toBe(count);
}

const detail = async (server: TestServer, w: Watched) =>
  (await server.call("GET", `${w.path}/rollouts/${w.id}`)).body;

/** Healthy calls for each step the canary reaches, until it has ended; its final state. */
async function driveHealthy(server: TestServer, w: Watched) {
  for (let looks = 0; looks < 10; looks++) {
    const now = await detail(server, w);
    if (now.status !== "running") return now;
    // At 100 % no one is served the control.
    const weight = now.canary.steps[now.canary.step].weight;
    if (weight < 10000) await report(server, w, "control", 30);
    await report(server, w, "candidate", 30);
    await expect
      .poll(async () => {
        const next = await detail(server, w);
        return next.status !== "running" || next.canary.step > now.canary.step;
      }, WAIT)
      .toBe(true);
  }
  throw new Error("the canary is still running after ten steps");
}

/** Healthy calls until the canary has left its current step. */
async function driveOneStep(server: TestServer, w: Watched) {
  const now = await detail(server, w);
  await report(server, w, "control", 30);
  await report(server, w, "candidate", 30);
  await expect
    .poll(async () => (await detail(server, w)).canary.step, WAIT)
    .toBe(now.canary.step + 1);
}

describe.each(testEngines())("the guardrail monitor on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, undefined, { rolloutMonitorIntervalMs: 100 });
  });
  afterAll(() => server?.stop());

  it("rolls a breached canary back by itself: the reason with its figures, a rollback of the label and the feed's events", async () => {
    const feed = await openSse(`${server.url}/api/v1/changes`, {
      authorization: `Bearer ${server.adminKey}`,
    });
    const w = await startCanary(server);
    await report(server, w, "control", 60);
    await report(server, w, "candidate", 30, 12);
    await expect.poll(async () => (await detail(server, w)).status, WAIT).toBe("rolled_back");

    const rollout = await detail(server, w);
    const decision = rollout.decisions.find((d: { action: string }) => d.action === "rollback");
    expect(decision).toMatchObject({ automatic: true, actor: "guardrail-monitor" });
    expect(decision.reason).toMatch(/^error_rate: \+0\.4\d* against control \(95 % /);
    expect(decision.checks[0]).toMatchObject({
      metric: "error_rate",
      candidateVersion: 2,
      state: "breached",
      control: { n: 60, mean: 0 },
      candidate: { n: 30, mean: 0.4 },
      allowed: 0.02,
    });
    expect(rollout.checks.at(-1).checks[0].state).toBe("breached");
    expect(rollout.endedBy).toBe("guardrail-monitor");

    const moves = (await server.call("GET", `${w.path}/deployments?environment=${w.env}`)).body
      .items;
    expect(moves[0]).toMatchObject({ kind: "rollback", toVersion: 1, rolloutId: w.id });
    const resolved = await server.call(
      "GET",
      `/api/v1/client/prompts/${enc(w.name)}?label=${w.env}&unit=someone`,
    );
    expect(resolved.body).toMatchObject({ version: 1 });
    expect(resolved.body.rollout).toBeUndefined();
    const metrics = await (
      await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      })
    ).text();
    expect(metrics).toMatch(/promptline_rollout_monitor_leader 1/);
    expect(metrics).toMatch(/promptline_rollout_monitor_decisions_total [1-9]/);

    await expect
      .poll(
        () =>
          feed
            .events<{ type: string; name: string }>()
            .filter((e) => e.name === w.name)
            .map((e) => e.type),
        WAIT,
      )
      .toEqual(expect.arrayContaining(["rollout.started", "rollout.rolled_back"]));
    feed.close();
  });

  it("advances a healthy canary step by step and promotes it", async () => {
    const w = await startCanary(server);
    const ended = await driveHealthy(server, w);
    expect(ended.status).toBe("promoted");
    expect(
      ended.decisions.map((d: { action: string; toStep: number | null; automatic: boolean }) => [
        d.action,
        d.toStep,
        d.automatic,
      ]),
    ).toEqual([
      ["start", 0, false],
      ["advance", 1, true],
      ["advance", 2, true],
      ["promote", 2, true],
    ]);
    const resolved = await server.call(
      "GET",
      `/api/v1/client/prompts/${enc(w.name)}?label=${w.env}`,
    );
    expect(resolved.body.version).toBe(2);
  });
});

describe.each(testEngines())("the guardrail monitor and people on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // The server's own monitor waits an hour: the test's monitor looks when told to.
    server = await startTestServer(engine, undefined, { rolloutMonitorIntervalMs: 3_600_000 });
  });
  afterAll(() => server?.stop());

  it("a person's pause between the monitor's look and its decision stands: the decision is stale", async () => {
    const w = await startCanary(server);
    await report(server, w, "control", 60);
    await report(server, w, "candidate", 30, 12);
    const { rollouts } = server.services;
    const monitor = new RolloutMonitor(
      createContext(server.services.engine),
      {
        activeRolloutIds: () => rollouts.activeRolloutIds(),
        rolloutsByIds: (ids) => rollouts.rolloutsByIds(ids),
        recordChecks: (id, checks) => rollouts.recordChecks(id, checks),
        applyDecision: async (id, seen, decision) => {
          // The person acts after the monitor read the rollout, before it acts.
          const paused = await server.call("POST", `${w.path}/rollouts/${w.id}/pause`, {
            reason: "looking into it myself",
          });
          expect(paused.status).toBe(200);
          return rollouts.applyDecision(id, seen, decision);
        },
      },
      { intervalMs: 1000, warn: (error) => expect.fail(String(error)) },
    );
    await monitor.look();
    expect(monitor.stats).toMatchObject({ leader: true, looks: 1, decisions: 0, stale: 1 });
    const rollout = await detail(server, w);
    expect(rollout.status).toBe("paused");
    expect(
      rollout.decisions.map((d: { action: string; automatic: boolean }) => [d.action, d.automatic]),
    ).toEqual([
      ["start", false],
      ["pause", false],
    ]);

    // The next look sees the paused rollout, still breached: a breach rolls back a paused one too.
    const watching = new RolloutMonitor(createContext(server.services.engine), rollouts, {
      intervalMs: 1000,
      warn: (error) => expect.fail(String(error)),
    });
    await monitor.stop();
    await watching.look();
    const after = await detail(server, w);
    expect(after.status).toBe("rolled_back");
    expect(after.decisions.at(-1)).toMatchObject({ action: "rollback", automatic: true });
    await watching.stop();
  });
});

describe.each(testEngines())("the guardrail monitor across restarts on %s", (engine) => {
  it("a server started on the same database carries a canary on where the stopped one left it", async () => {
    const database = await freshDatabase(engine);
    const settings = { rolloutMonitorIntervalMs: 100 };
    let server = await startTestServer(engine, database, settings);
    try {
      const w = await startCanary(server);
      await driveOneStep(server, w);
      await server.stop();
      server = await startTestServer(engine, database, settings);
      const ended = await driveHealthy(server, w);
      expect(ended.status).toBe("promoted");
      expect(ended.decisions.filter((d: { automatic: boolean }) => d.automatic)).toHaveLength(3);
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});

describe.runIf(inject("postgresUrl"))(
  "the guardrail monitor with two instances on PostgreSQL",
  () => {
    it("only the lease holder decides, and the other takes over once the holder's lease expires", async () => {
      const database = await freshDatabase("postgres");
      const settings = { rolloutMonitorIntervalMs: 150 };
      const servers = [
        await startTestServer("postgres", database, settings),
        await startTestServer("postgres", database, settings),
      ];
      try {
        const monitors = () => servers.map((s) => s.services.rolloutMonitor);
        await expect.poll(() => monitors().filter((m) => m.stats.leader).length, WAIT).toBe(1);
        const leader = servers.find((s) => s.services.rolloutMonitor.stats.leader) as TestServer;
        const other = servers.find((s) => s !== leader) as TestServer;

        const w = await startCanary(leader);
        await driveOneStep(leader, w);
        expect(leader.services.rolloutMonitor.stats.decisions).toBe(1);
        expect(other.services.rolloutMonitor.stats).toMatchObject({
          leader: false,
          looks: 0,
          decisions: 0,
        });

        // The leader stops looking without letting go (as a crashed instance would).
        await leader.services.rolloutMonitor.stop({ release: false });
        const ended = await driveHealthy(other, w);
        expect(ended.status).toBe("promoted");
        expect(other.services.rolloutMonitor.stats).toMatchObject({ leader: true, decisions: 2 });
        expect(ended.decisions.filter((d: { automatic: boolean }) => d.automatic)).toHaveLength(3);
      } finally {
        for (const s of servers) await s.stop();
        await database.drop();
      }
    });
  },
);
