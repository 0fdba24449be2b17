// The rollout simulation's many runs, in this process and in simulated time: each run is a
// canary on a fresh SQLite database (in memory, with the server's migrations), fed 200 calls a second
// of simulated traffic as trace rows, and looked at every 10 simulated seconds by the guardrail
// monitor's own decision code (assessRollout: the SQL measures, the verdicts, decideCanary).
// What the service would do with a decision (advance the step; end the run on a promote, pause
// or rollback) the simulation does itself. A full HTTP run takes minutes of real time; this
// gives the same decisions for a hundred runs in a few minutes.
import { randomUUID } from "node:crypto";
import { assessRollout } from "../packages/server/dist/rollout/monitor.js";
import { migrateToLatest } from "../packages/server/dist/storage/migrations.js";
import { createSqliteEngine } from "../packages/server/dist/storage/sqlite/index.js";
import { StoredTraceBatch } from "../packages/server/dist/storage/trace-batch.js";

export const SIM = {
  rate: 200,
  lookSeconds: 10,
  plan: [
    { weight: 500, holdMinutes: 3 },
    { weight: 2500, holdMinutes: 3 },
    { weight: 5000, holdMinutes: 3 },
    { weight: 10000, holdMinutes: 0 },
  ],
  guardrails: [
    { metric: "error_rate", worseWhen: "higher", tolerance: 0.02, relative: false },
    { metric: "p95_latency", worseWhen: "higher", tolerance: 300, relative: false },
  ],
  minSamples: 100,
  errorRate: 0.01,
  /** Latency is log-normal: this median (ms) and spread of its logarithm. */
  latency: { median: 800, sigma: 0.35 },
  /** A degraded candidate: this share of its calls fail, or every call is this much slower. */
  failShare: 0.3,
  slowerMs: 800,
};

const T0 = Date.parse("2026-06-01T00:00:00.000Z");

/** mulberry32: a small seeded generator, so every run can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(draw) {
  return Math.sqrt(-2 * Math.log(1 - draw())) * Math.cos(2 * Math.PI * draw());
}

function newRollout(projectId) {
  const at = new Date(T0).toISOString();
  return {
    id: 1,
    projectId,
    promptId: randomUUID(),
    promptName: "sim/agent",
    environment: "production",
    strategy: "canary",
    status: "running",
    control: 1,
    candidates: [2],
    unit: "userId",
    salt: "sim",
    split: [],
    rules: [],
    canary: { steps: SIM.plan, step: 0, stepStartedAt: at },
    guardrails: SIM.guardrails,
    onBreach: "rollback",
    minSamples: SIM.minSamples,
    revision: 1,
    reason: null,
    startedBy: "sim",
    startedAt: at,
    updatedAt: at,
    endedAt: null,
    endedBy: null,
    endReason: null,
    activeKey: "sim",
  };
}

/**
 * One run: a healthy candidate, or one degraded (`fail` or `slow`) from `degradeAtSeconds` on.
 * Ends at the first promote, pause or rollback (or after `maxSeconds`): what, when, and how many
 * calls the candidate served while degraded.
 */
export async function simulateRun({ seed, degrade = null, degradeAtSeconds = 0, maxSeconds }) {
  const engine = createSqliteEngine(":memory:");
  try {
    await migrateToLatest(engine);
    const draw = random(seed);
    const projectId = randomUUID();
    let rollout = newRollout(projectId);
    let degradedCalls = 0;
    const perLook = SIM.rate * SIM.lookSeconds;
    for (let t = SIM.lookSeconds; t <= maxSeconds; t += SIM.lookSeconds) {
      const share = SIM.plan[rollout.canary.step].weight / 10000;
      const batch = new StoredTraceBatch();
      for (let i = 0; i < perLook; i++) {
        const at = T0 + (t - SIM.lookSeconds) * 1000 + (i * 1000) / SIM.rate;
        const candidate = draw() < share;
        const bad = candidate && degrade !== null && at >= T0 + degradeAtSeconds * 1000;
        if (bad) degradedCalls += 1;
        const failed = draw() < (bad && degrade === "fail" ? SIM.failShare : SIM.errorRate);
        const latency =
          SIM.latency.median * Math.exp(SIM.latency.sigma * normal(draw)) +
          (bad && degrade === "slow" ? SIM.slowerMs : 0);
        batch.addTrace({
          projectId,
          id: randomUUID(),
          source: "gateway",
          startTime: new Date(at).toISOString(),
          promptName: rollout.promptName,
          promptVersion: candidate ? 2 : 1,
          label: "production",
          variant: candidate ? "candidate" : "control",
          status: failed ? "error" : "ok",
          origin: "production",
          latencyMs: Math.round(latency),
          cost: 0.0004,
          metadata: {},
          ingestedAt: new Date(at).toISOString(),
        });
      }
      await engine.insertTraces(batch);
      const now = new Date(T0 + t * 1000);
      const { decision } = await assessRollout(engine.db, rollout, now);
      if (decision.action === "advance") {
        rollout = {
          ...rollout,
          revision: rollout.revision + 1,
          canary: { ...rollout.canary, step: decision.toStep, stepStartedAt: now.toISOString() },
        };
      } else if (decision.action !== "hold") {
        return { outcome: decision.action, atSeconds: t, reason: decision.reason, degradedCalls };
      }
    }
    return { outcome: "running", atSeconds: maxSeconds, reason: null, degradedCalls };
  } finally {
    await engine.close();
  }
}
