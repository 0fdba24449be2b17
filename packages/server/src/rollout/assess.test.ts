import { randomUUID } from "node:crypto";
import { type Guardrail, parseGuard } from "@promptline/core";
import { describe, expect, it } from "vitest";
import type { NewTrace } from "../storage/database.js";
import type { RolloutRow } from "../storage/rollout-tables.js";
import { StoredTraceBatch } from "../storage/trace-batch.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { assessRollout } from "./monitor.js";

const T0 = "2026-05-04T10:00:00.000Z";
const minutes = (n: number, from = T0) => new Date(Date.parse(from) + n * 60_000);
const guard = (expression: string) => parseGuard(expression) as Guardrail;

/** A small deterministic generator (mulberry32), so every run sees the same calls. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Traffic {
  variant: "control" | "candidate" | null;
  version: number;
  count: number;
  /** Every call fails with this probability. */
  errorRate?: number;
  latency?: (draw: () => number) => number;
  cost?: number;
  /** A score given to every call: its name and value. */
  score?: [string, (draw: () => number) => number];
  label?: string;
  origin?: NewTrace["origin"];
  /** Calls start a second apart from here. */
  from?: string;
}

describe.each(testEngines())("the guardrail monitor's assessment on %s", (kind) => {
  const storage = useTestStorage(kind);

  async function send(projectId: string, traffic: Traffic, seed = 1) {
    const draw = random(seed);
    const batch = new StoredTraceBatch();
    for (let i = 0; i < traffic.count; i++) {
      const id = randomUUID();
      const failed = draw() < (traffic.errorRate ?? 0);
      batch.addTrace({
        projectId,
        id,
        source: "api",
        startTime: new Date(Date.parse(traffic.from ?? T0) + i * 1000).toISOString(),
        promptName: "support/bot",
        promptVersion: traffic.version,
        label: traffic.label ?? "production",
        variant: traffic.variant,
        status: failed ? "error" : "ok",
        origin: traffic.origin ?? "production",
        latencyMs: traffic.latency ? traffic.latency(draw) : 100 + 100 * draw(),
        cost: traffic.cost ?? null,
        metadata: {},
        ingestedAt: T0,
      });
      if (traffic.score) {
        const [name, value] = traffic.score;
        batch.addScore({
          id: randomUUID(),
          projectId,
          traceId: id,
          name,
          value: value(draw),
          comment: null,
          source: "api",
          actor: "test",
          createdAt: T0,
        });
      }
    }
    await storage.engine.insertTraces(batch);
  }

  async function rolloutWith(overrides: Partial<RolloutRow>): Promise<RolloutRow> {
    const projectId = await storage.newProject(T0);
    return {
      id: 1,
      projectId,
      promptId: randomUUID(),
      promptName: "support/bot",
      environment: "production",
      strategy: "canary",
      status: "running",
      control: 1,
      candidates: [2],
      unit: "userId",
      salt: "salt",
      split: [
        { version: 2, weight: 500 },
        { version: 1, weight: 9500 },
      ],
      rules: [],
      canary: {
        steps: [
          { weight: 500, holdMinutes: 30 },
          { weight: 10_000, holdMinutes: 0 },
        ],
        step: 0,
        stepStartedAt: T0,
      },
      guardrails: [guard("error_rate<+2%")],
      onBreach: "rollback",
      minSamples: 100,
      revision: 3,
      reason: null,
      startedBy: "test",
      startedAt: T0,
      updatedAt: T0,
      endedAt: null,
      endedBy: null,
      endReason: null,
      activeKey: "active",
      ...overrides,
    };
  }

  it("a candidate failing far more often than its control is rolled back, with both arms' figures", async () => {
    const rollout = await rolloutWith({});
    await send(rollout.projectId, { variant: "control", version: 1, count: 1000, errorRate: 0.01 });
    await send(rollout.projectId, { variant: "candidate", version: 2, count: 200, errorRate: 0.3 });
    const { decision, checks } = await assessRollout(storage.engine.db, rollout, minutes(20));
    expect(decision.action).toBe("rollback");
    expect(decision.reason).toMatch(/^error_rate: \+0\.2\d* against control/);
    expect(checks).toHaveLength(1);
    const [check] = checks;
    expect(check).toMatchObject({ metric: "error_rate", candidateVersion: 2, state: "breached" });
    expect(check?.control.n).toBe(1000);
    expect(check?.candidate.n).toBe(200);
    expect(check?.candidate.mean).toBeGreaterThan(0.2);
    expect(check?.low).toBeGreaterThan(0.02);
    expect(check?.allowed).toBe(0.02);
    expect(check?.pValue).toBeLessThan(0.05);
  });

  it("the same breach pauses a rollout that asks for a pause, and a paused one is left as it is", async () => {
    const rollout = await rolloutWith({ onBreach: "pause" });
    await send(rollout.projectId, { variant: "control", version: 1, count: 1000, errorRate: 0.01 });
    await send(rollout.projectId, { variant: "candidate", version: 2, count: 200, errorRate: 0.3 });
    const now = minutes(20);
    expect((await assessRollout(storage.engine.db, rollout, now)).decision.action).toBe("pause");
    const paused = { ...rollout, status: "paused" as const };
    expect((await assessRollout(storage.engine.db, paused, now)).decision.action).toBe("hold");
  });

  it("a healthy candidate is held until its step's time is over, then advanced, and promoted after the last", async () => {
    const rollout = await rolloutWith({});
    await send(rollout.projectId, { variant: "control", version: 1, count: 1000, errorRate: 0.01 });
    await send(rollout.projectId, {
      variant: "candidate",
      version: 2,
      count: 300,
      errorRate: 0.01,
    });
    const early = await assessRollout(storage.engine.db, rollout, minutes(20));
    expect(early.decision).toMatchObject({ action: "hold" });
    expect(early.checks[0]?.state).toBe("healthy");
    const held = await assessRollout(storage.engine.db, rollout, minutes(31));
    expect(held.decision).toMatchObject({ action: "advance", toStep: 1 });
    const last = { ...rollout, canary: { ...(rollout.canary as never), step: 1 } };
    const promoted = await assessRollout(storage.engine.db, last, minutes(31));
    expect(promoted.decision.action).toBe("promote");
  });

  it("at a last step of 100 % there is no control to compare with: the candidate is promoted once the step is held", async () => {
    const rollout = await rolloutWith({
      canary: {
        steps: [
          { weight: 500, holdMinutes: 30 },
          { weight: 10_000, holdMinutes: 10 },
        ],
        step: 1,
        stepStartedAt: T0,
      },
    });
    await send(rollout.projectId, { variant: "candidate", version: 2, count: 300 });
    const held = await assessRollout(storage.engine.db, rollout, minutes(5));
    expect(held).toEqual({
      decision: { action: "hold", reason: "step 2 (100 %) is held 10 min; 5 min so far" },
      checks: [],
    });
    const done = await assessRollout(storage.engine.db, rollout, minutes(10));
    expect(done.decision.action).toBe("promote");
  });

  it("no verdict before each arm has its minimum number of calls", async () => {
    const rollout = await rolloutWith({ minSamples: 100 });
    await send(rollout.projectId, { variant: "control", version: 1, count: 1000 });
    await send(rollout.projectId, { variant: "candidate", version: 2, count: 60, errorRate: 1 });
    const { decision, checks } = await assessRollout(storage.engine.db, rollout, minutes(40));
    expect(decision).toEqual({
      action: "hold",
      reason: "waiting for data: error_rate: 60 of the 100 observations needed per arm",
    });
    expect(checks[0]).toMatchObject({ state: "unknown", low: checks[0]?.difference });
  });

  it("only production calls of the rollout's label and variants count, since its step began", async () => {
    const stepStartedAt = minutes(60).toISOString();
    const rollout = await rolloutWith({
      canary: {
        steps: [
          { weight: 500, holdMinutes: 0 },
          { weight: 10_000, holdMinutes: 0 },
        ],
        step: 0,
        stepStartedAt,
      },
    });
    const { projectId } = rollout;
    const failing = { version: 2, count: 150, errorRate: 1 } as const;
    // None of these count: before the step, another label, a playground try, no variant.
    await send(projectId, { ...failing, variant: "candidate" });
    await send(projectId, {
      ...failing,
      variant: "candidate",
      from: stepStartedAt,
      label: "staging",
    });
    await send(projectId, {
      ...failing,
      variant: "candidate",
      from: stepStartedAt,
      origin: "playground",
    });
    await send(projectId, { ...failing, variant: null, from: stepStartedAt });
    await send(projectId, { ...failing, version: 1, variant: "candidate", from: stepStartedAt });
    await send(projectId, { variant: "control", version: 1, count: 400, from: stepStartedAt });
    await send(projectId, { variant: "candidate", version: 2, count: 120, from: stepStartedAt });
    const { decision, checks } = await assessRollout(storage.engine.db, rollout, minutes(70));
    expect(checks[0]).toMatchObject({
      state: "healthy",
      control: { n: 400, mean: 0 },
      candidate: { n: 120, mean: 0 },
    });
    expect(decision).toMatchObject({ action: "advance", toStep: 1 });
  });

  it("p95 latency: a candidate slower than the control's p95 plus the tolerance breaches, one as fast does not", async () => {
    const guardrails = [guard("p95_latency<+300ms")];
    const slow = await rolloutWith({ guardrails });
    await send(slow.projectId, { variant: "control", version: 1, count: 2000 });
    await send(slow.projectId, {
      variant: "candidate",
      version: 2,
      count: 300,
      latency: (draw) => (draw() < 0.3 ? 900 + 100 * draw() : 100 + 100 * draw()),
    });
    const breached = await assessRollout(storage.engine.db, slow, minutes(40));
    expect(breached.decision.action).toBe("rollback");
    expect(breached.decision.reason).toMatch(
      /^p95_latency: \d+\.\d % of the candidate's calls took over 4\d\d ms \(the control's p95 1\d\d ms \+ 300 ms tolerated\), where 5 % may/,
    );
    expect(breached.checks[0]?.candidate.mean).toBeGreaterThan(0.2);

    const fast = await rolloutWith({ guardrails });
    await send(fast.projectId, { variant: "control", version: 1, count: 2000 });
    await send(fast.projectId, { variant: "candidate", version: 2, count: 300 }, 7);
    const healthy = await assessRollout(storage.engine.db, fast, minutes(40));
    expect(healthy.checks[0]).toMatchObject({ state: "healthy", candidate: { mean: 0 } });
    expect(healthy.decision.action).toBe("advance");
  });

  it("feedback and evaluators' scores compare by their mean; a drop beyond the tolerance breaches", async () => {
    const guardrails = [guard("feedback>-0.1"), guard("score:tone>-0.05")];
    const rollout = await rolloutWith({ guardrails });
    const thumbs = (share: number) => (draw: () => number) => (draw() < share ? 1 : 0);
    await send(rollout.projectId, {
      variant: "control",
      version: 1,
      count: 600,
      score: ["feedback", thumbs(0.8)],
    });
    await send(rollout.projectId, {
      variant: "candidate",
      version: 2,
      count: 300,
      score: ["feedback", thumbs(0.4)],
    });
    await send(rollout.projectId, {
      variant: "control",
      version: 1,
      count: 200,
      score: ["tone", () => 0.9],
    });
    await send(rollout.projectId, {
      variant: "candidate",
      version: 2,
      count: 200,
      score: ["tone", () => 0.9],
    });
    const { decision, checks } = await assessRollout(storage.engine.db, rollout, minutes(40));
    expect(checks.map((c) => [c.metric, c.state, c.control.n, c.candidate.n])).toEqual([
      ["feedback", "breached", 600, 300],
      ["score:tone", "healthy", 200, 200],
    ]);
    expect(decision).toMatchObject({ action: "rollback" });
    expect(decision.reason).toMatch(/^feedback: -0\.\d+ against control/);
  });

  it("cost per call: the same cost on every call is healthy, a dearer candidate breaches", async () => {
    const guardrails = [guard("cost_per_call<+10%")];
    const same = await rolloutWith({ guardrails });
    await send(same.projectId, { variant: "control", version: 1, count: 200, cost: 0.002 });
    await send(same.projectId, { variant: "candidate", version: 2, count: 200, cost: 0.002 });
    const healthy = await assessRollout(storage.engine.db, same, minutes(40));
    expect(healthy.checks[0]).toMatchObject({ state: "healthy", difference: 0 });

    const dearer = await rolloutWith({ guardrails });
    await send(dearer.projectId, { variant: "control", version: 1, count: 200, cost: 0.002 });
    await send(dearer.projectId, { variant: "candidate", version: 2, count: 200, cost: 0.003 });
    const breached = await assessRollout(storage.engine.db, dearer, minutes(40));
    expect(breached.checks[0]?.state).toBe("breached");
    expect(breached.checks[0]?.allowed).toBeCloseTo(0.0002, 12);
  });

  it("a split never advances; a breach of any candidate ends it, naming the version", async () => {
    const rollout = await rolloutWith({
      strategy: "split",
      canary: null,
      candidates: [2, 3],
      split: [
        { version: 2, weight: 3000 },
        { version: 3, weight: 3000 },
        { version: 1, weight: 4000 },
      ],
    });
    await send(rollout.projectId, { variant: "control", version: 1, count: 400 });
    await send(rollout.projectId, { variant: "candidate", version: 2, count: 300 });
    const quiet = await assessRollout(storage.engine.db, rollout, minutes(600));
    expect(quiet.decision.action).toBe("hold");
    await send(rollout.projectId, { variant: "candidate", version: 3, count: 300, errorRate: 0.5 });
    const { decision, checks } = await assessRollout(storage.engine.db, rollout, minutes(600));
    expect(checks.map((c) => [c.candidateVersion, c.state])).toEqual([
      [2, "healthy"],
      [3, "breached"],
    ]);
    expect(decision.action).toBe("rollback");
    expect(decision.reason).toMatch(/^version 3: error_rate: /);
  });
});
