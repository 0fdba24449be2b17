/**
 * The guardrail monitor: every interval, the one instance holding the "rollout-monitor" lease
 * looks at each running or paused rollout — measures its arms, gives each guardrail its verdict
 * on each candidate, decides (a canary advances, promotes, pauses or rolls back; a split only
 * pauses or rolls back) — and has the rollout service apply the decision only if the rollout is
 * still at the revision it looked at, so a person's change made meanwhile always wins. Every
 * state it acts on is in the database: another instance, or this one restarted, carries on.
 */
import { randomUUID } from "node:crypto";
import {
  BUCKETS,
  type CanaryDecision,
  decideCanary,
  type GuardrailCheck,
  type GuardrailVerdict,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { ServiceContext } from "../context.js";
import type { Database } from "../storage/database.js";
import type { RolloutRow } from "../storage/rollout-tables.js";
import { checkGuardrails } from "./guardrail-checks.js";
import { measureRollout, windowStart } from "./guardrail-metrics.js";
import { claimLease, releaseLease } from "./lease.js";
import { latestChecks } from "./monitor-store.js";
import type { RolloutService } from "./service.js";

export const MONITOR_LEASE = "rollout-monitor";

/** What the monitor needs of the rollout service. */
export type MonitoredRollouts = Pick<
  RolloutService,
  "activeRolloutIds" | "rolloutsByIds" | "applyDecision" | "recordChecks"
>;

export interface Assessment {
  decision: CanaryDecision;
  checks: GuardrailCheck[];
}

const named = (verdict: GuardrailVerdict, version: number, several: boolean): GuardrailVerdict =>
  several && verdict.state !== "healthy"
    ? { ...verdict, reason: `version ${version}: ${verdict.reason}` }
    : verdict;

/**
 * What the monitor would do with the rollout now, and the figures behind it: the whole of one
 * look but the acting on it (which the simulation in bench/ drives as the monitor does).
 */
export async function assessRollout(
  db: Kysely<Database>,
  rollout: RolloutRow,
  now: Date,
): Promise<Assessment> {
  // At a last step of 100 % no one is served the control: there is nothing to compare with,
  // and the steps before were held healthy; the step's hold is all that is left.
  const everyone = rollout.canary?.steps[rollout.canary.step]?.weight === BUCKETS;
  const results = everyone
    ? []
    : checkGuardrails(
        rollout.guardrails,
        await measureRollout(db, rollout, now),
        rollout.minSamples,
      );
  const several = rollout.candidates.length > 1;
  const verdicts = results.map((r) => named(r.verdict, r.check.candidateVersion, several));
  const checks = results.map((r) => r.check);
  const paused = rollout.status === "paused";
  let decision: CanaryDecision;
  if (rollout.canary) {
    const { steps, step, stepStartedAt } = rollout.canary;
    decision = decideCanary(
      steps,
      { step, stepStartedAt: new Date(stepStartedAt), paused },
      verdicts,
      now,
      rollout.onBreach,
    );
  } else {
    const breach = verdicts.find((v) => v.state === "breached");
    decision =
      breach?.state === "breached"
        ? { action: rollout.onBreach, reason: breach.reason }
        : { action: "hold", reason: "a split runs until a person ends it" };
  }
  if (paused && decision.action === "pause") {
    decision = { action: "hold", reason: `paused already; ${decision.reason}` };
  }
  return { decision, checks };
}

export interface RolloutMonitorOptions {
  /** How often the lease holder looks at every active rollout. */
  intervalMs: number;
  /** How long the lease holds without renewal; three intervals by default. */
  leaseMs?: number;
  /** Names this instance in the lease; a new one per process by default. */
  instanceId?: string;
  /** Rollouts looked at per look at most; the rest at the next, in turn. */
  maxPerLook?: number;
  /** Figures are stored (for the charts) at most this often per rollout, and with each decision. */
  checksEveryMs?: number;
  warn(error: unknown, what: string): void;
}

/** Runs looks on a timer while this instance holds the lease; see the module comment. */
export class RolloutMonitor {
  readonly instanceId: string;
  /** Counters for operators and tests: looks taken, decisions applied, decisions found stale. */
  readonly stats = { leader: false, looks: 0, decisions: 0, stale: 0 };
  private readonly leaseMs: number;
  private readonly maxPerLook: number;
  private readonly checksEveryMs: number;
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;
  private stopped = false;
  /** The last rollout looked at: the next look starts after it, so none waits for ever. */
  private after = 0;
  /** Per rollout: when its figures were last stored, and the lowest p-values of its window. */
  private readonly seen = new Map<
    number,
    { recordedAt: number; window: string; lowestP: Map<string, number> }
  >();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rollouts: MonitoredRollouts,
    private readonly options: RolloutMonitorOptions,
  ) {
    this.instanceId = options.instanceId ?? `monitor-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? options.intervalMs * 3;
    this.maxPerLook = options.maxPerLook ?? 50;
    this.checksEveryMs = options.checksEveryMs ?? 60_000;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops looking, waits for a look under way, and (a clean shutdown) lets the lease go so
   * another instance takes over at its next look; without `release` it expires.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.looking;
    if (release && this.stats.leader) {
      await releaseLease(this.ctx.engine.db, MONITOR_LEASE, this.instanceId).catch((error) =>
        this.options.warn(error, "rollout monitor: releasing its lease"),
      );
    }
    this.stats.leader = false;
  }

  private tick(): void {
    if (this.stopped || this.looking) return;
    this.looking = this.look()
      .catch((error) => this.options.warn(error, "rollout monitor"))
      .finally(() => {
        this.looking = undefined;
      });
  }

  /**
   * One look, if this instance holds (or can take) the lease: at most `maxPerLook` rollouts,
   * and for no longer than half the lease, so the lease never lapses during a look.
   */
  async look(): Promise<void> {
    const { db } = this.ctx.engine;
    const started = this.ctx.clock.now();
    // Not the leader until the claim says so (it may fail: the database unreachable).
    this.stats.leader = false;
    this.stats.leader = await claimLease(db, {
      name: MONITOR_LEASE,
      owner: this.instanceId,
      now: started,
      durationMs: this.leaseMs,
    });
    if (!this.stats.leader) return;
    this.stats.looks += 1;
    // Ids first: only the rollouts of this turn are read in full (their rules may be large).
    const active = await this.rollouts.activeRolloutIds();
    const ids = new Set(active);
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
    const next = active.findIndex((id) => id > this.after);
    const order = next === -1 ? active : [...active.slice(next), ...active.slice(0, next)];
    const turn = order.slice(0, this.maxPerLook);
    const rows = new Map((await this.rollouts.rolloutsByIds(turn)).map((r) => [r.id, r]));
    const deadline = started.getTime() + this.leaseMs / 2;
    for (const rollout of turn.flatMap((id) => rows.get(id) ?? [])) {
      if (this.stopped || this.ctx.clock.now().getTime() > deadline) break;
      this.after = rollout.id;
      try {
        await this.lookAt(rollout);
      } catch (error) {
        this.options.warn(error, `rollout monitor: rollout ${rollout.id}`);
      }
    }
  }

  private async lookAt(rollout: RolloutRow): Promise<void> {
    const now = this.ctx.clock.now();
    const { decision, checks } = await assessRollout(this.ctx.engine.db, rollout, now);
    const memory = await this.memoryOf(rollout);
    const figures = this.lowestPValues(memory, checks);
    if (decision.action !== "hold") {
      const outcome = await this.rollouts.applyDecision(rollout.id, rollout.revision, {
        action: decision.action,
        reason: decision.reason,
        checks: figures,
        ...(decision.action === "advance" && { toStep: decision.toStep }),
      });
      if (outcome === "stale") {
        // A person changed the rollout after it was read: their change stands.
        this.stats.stale += 1;
        return;
      }
      // The service stored the figures with the decision, as a point of the series too.
      this.stats.decisions += 1;
    } else if (now.getTime() - memory.recordedAt >= this.checksEveryMs && figures.length > 0) {
      await this.rollouts.recordChecks(rollout.id, figures);
    } else {
      return;
    }
    memory.recordedAt = now.getTime();
  }

  /**
   * What the monitor remembers of a rollout, read back from its latest stored look the first
   * time this instance sees it (after a start or a takeover), so nothing depends on memory.
   */
  private async memoryOf(rollout: RolloutRow) {
    const window = windowStart(rollout);
    let memory = this.seen.get(rollout.id);
    if (!memory) {
      const stored = await latestChecks(this.ctx.engine.db, rollout.id);
      memory = {
        recordedAt: stored ? Date.parse(stored.createdAt) : 0,
        window,
        lowestP: new Map(
          stored && stored.createdAt >= window
            ? keyed(stored.checks).map(([key, check]) => [key, check.pValue])
            : [],
        ),
      };
      this.seen.set(rollout.id, memory);
    }
    if (memory.window !== window) {
      memory.window = window;
      memory.lowestP.clear();
    }
    return memory;
  }

  /**
   * The always-valid p-value is the running minimum of 1/Λ over the window's looks: the
   * checks carry it rather than the look's own.
   */
  private lowestPValues(
    memory: { lowestP: Map<string, number> },
    checks: GuardrailCheck[],
  ): GuardrailCheck[] {
    return keyed(checks).map(([key, check]) => {
      const lowest = Math.min(memory.lowestP.get(key) ?? 1, check.pValue);
      memory.lowestP.set(key, lowest);
      return { ...check, pValue: lowest };
    });
  }
}

/** Checks keyed by candidate and the guardrail's position among that candidate's checks. */
function keyed(checks: GuardrailCheck[]): Array<[string, GuardrailCheck]> {
  const positions = new Map<number, number>();
  return checks.map((check) => {
    const position = positions.get(check.candidateVersion) ?? 0;
    positions.set(check.candidateVersion, position + 1);
    return [`${check.candidateVersion}:${position}`, check];
  });
}
