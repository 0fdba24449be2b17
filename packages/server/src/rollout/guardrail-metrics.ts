/**
 * What the guardrail monitor measures at each look: per arm of a rollout (its control, each of
 * its candidates), counts, sums and sums of squares of the metrics its guardrails watch, over
 * the production calls of the same time window. Everything is aggregated by the database from
 * ranges of one index (traces_rollout_arms, which holds every column read but the scores) — a
 * look reads a few rows per arm, never the calls themselves — and the window holds at most
 * WINDOW_CAP calls of the control, so one look's work is bounded however busy the label.
 */
import type { Guardrail } from "@promptline/core";
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Database } from "../storage/database.js";
import type { RolloutRow } from "../storage/rollout-tables.js";

/** Calls of the control a look reads at most: beyond, the window keeps the latest. */
export const WINDOW_CAP = 100_000;

/** n, Σx and Σx² of one metric over one arm's observations. */
export interface Sums {
  n: number;
  sum: number;
  sumSq: number;
}

/** One arm's figures in the window. */
export interface ArmTotals {
  calls: number;
  errors: number;
  /** Over the calls that have a cost. */
  cost: Sums;
  /** Calls that have a latency. */
  timed: number;
  /** Per p95 guardrail (in the rollout's order), the calls slower than its threshold (0 for the control: not counted). */
  slower: number[];
  /** Per score name (`feedback` included): each score given to the arm's calls. */
  scores: Map<string, Sums>;
}

export interface LatencyThreshold {
  /** The control's 95th percentile latency in the window (nearest rank), ms. */
  controlP95: number;
  /** Control p95 plus the tolerance: a candidate's call slower than this counts against it. */
  limitMs: number;
}

export interface RolloutMeasures {
  /** Calls that started in [from, to] count. */
  window: { from: string; to: string; capped: boolean };
  control: ArmTotals;
  candidates: Map<number, ArmTotals>;
  /** Per p95 guardrail (in order), its threshold; null until the control has timed calls. */
  thresholds: Array<LatencyThreshold | null>;
}

/** The score a guardrail watches: `feedback` (people's), or an evaluator's by name. */
export function scoreNameOf(guardrail: Guardrail): string | undefined {
  if (guardrail.metric === "feedback") return "feedback";
  return guardrail.metric.startsWith("score:") ? guardrail.metric.slice(6) : undefined;
}

/**
 * Where the window starts: when the weights last changed (the canary's current step began, or
 * the split started). Both arms are then sampled at fixed shares throughout the window, so a
 * change in traffic over the day weighs on both alike.
 */
export function windowStart(rollout: RolloutRow): string {
  return rollout.canary?.stepStartedAt ?? rollout.startedAt;
}

const emptyArm = (thresholds: number): ArmTotals => ({
  calls: 0,
  errors: 0,
  cost: { n: 0, sum: 0, sumSq: 0 },
  timed: 0,
  slower: Array.from({ length: thresholds }, () => 0),
  scores: new Map(),
});

/** PostgreSQL answers counts and integer sums as text, SQLite as numbers; nulls are 0. */
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

type TraceQuery = ExpressionBuilder<Database, "traces">;
type Side = "control" | "candidate";
const SIDES: readonly Side[] = ["control", "candidate"];

/** Measures every arm of `rollout` for its guardrails, over calls started until `now`. */
export async function measureRollout(
  db: Kysely<Database>,
  rollout: RolloutRow,
  now: Date,
): Promise<RolloutMeasures> {
  const to = now.toISOString();
  const start = windowStart(rollout);
  // Where the latest WINDOW_CAP calls of the control begin, read off the arms' index.
  const boundary = await db
    .selectFrom("traces")
    .select("startTime")
    .where("projectId", "=", rollout.projectId)
    .where("promptName", "=", rollout.promptName)
    .where("label", "=", rollout.environment)
    .where("variant", "=", "control")
    .where("promptVersion", "=", rollout.control)
    .where("startTime", ">=", start)
    .where("startTime", "<=", to)
    .orderBy("startTime", "desc")
    .limit(1)
    .offset(WINDOW_CAP)
    .executeTakeFirst();
  const from = boundary && boundary.startTime > start ? boundary.startTime : start;
  // One side at a time (no OR across arms), so each query is a range of one index.
  const inSide = (side: Side) => (eb: TraceQuery) =>
    eb.and([
      eb("traces.projectId", "=", rollout.projectId),
      eb("traces.promptName", "=", rollout.promptName),
      eb("traces.label", "=", rollout.environment),
      eb("traces.variant", "=", side),
      side === "control"
        ? eb("traces.promptVersion", "=", rollout.control)
        : eb("traces.promptVersion", "in", rollout.candidates),
      eb("traces.startTime", ">=", from),
      eb("traces.startTime", "<=", to),
      eb("traces.origin", "=", "production"),
    ]);
  const p95Guardrails = rollout.guardrails.filter((g) => g.metric === "p95_latency");
  const measures: RolloutMeasures = {
    window: { from, to, capped: from !== start },
    control: emptyArm(p95Guardrails.length),
    candidates: new Map(rollout.candidates.map((v) => [v, emptyArm(p95Guardrails.length)])),
    thresholds: p95Guardrails.map(() => null),
  };
  const armOf = (side: Side, version: number | null) =>
    side === "control" ? measures.control : measures.candidates.get(version ?? -1);

  for (const side of SIDES) {
    const calls = await db
      .selectFrom("traces")
      .where(inSide(side))
      .select((eb) => [
        "traces.promptVersion",
        eb.fn.countAll().as("calls"),
        eb.fn.sum(eb.case().when("traces.status", "=", "error").then(1).else(0).end()).as("errors"),
        eb.fn.count("traces.cost").as("costN"),
        eb.fn.sum("traces.cost").as("costSum"),
        sql<number>`sum(${eb.ref("traces.cost")} * ${eb.ref("traces.cost")})`.as("costSq"),
        eb.fn.count("traces.latencyMs").as("timed"),
      ])
      .groupBy("traces.promptVersion")
      .execute();
    for (const row of calls) {
      const arm = armOf(side, row.promptVersion);
      if (!arm) continue;
      arm.calls = num(row.calls);
      arm.errors = num(row.errors);
      arm.cost = { n: num(row.costN), sum: num(row.costSum), sumSq: num(row.costSq) };
      arm.timed = num(row.timed);
    }
  }

  if (p95Guardrails.length > 0 && measures.control.timed > 0) {
    const rank = Math.ceil(0.95 * measures.control.timed);
    const p95 = await db
      .selectFrom("traces")
      .where(inSide("control"))
      .where("traces.latencyMs", "is not", null)
      .select("traces.latencyMs")
      .orderBy("traces.latencyMs")
      .limit(1)
      .offset(rank - 1)
      .executeTakeFirst();
    const controlP95 = p95?.latencyMs ?? null;
    if (controlP95 !== null) {
      measures.thresholds = p95Guardrails.map((g) => ({
        controlP95,
        limitMs: controlP95 + (g.relative ? g.tolerance * controlP95 : g.tolerance),
      }));
      // Only the candidates' slow calls are counted: the control's share is 5 % by definition.
      const slow = await db
        .selectFrom("traces")
        .where(inSide("candidate"))
        .select((eb) => [
          "traces.promptVersion",
          ...measures.thresholds.map((t, i) =>
            eb.fn
              .sum(
                eb
                  .case()
                  .when("traces.latencyMs", ">", t?.limitMs ?? 0)
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as(`slower${i}`),
          ),
        ])
        .groupBy("traces.promptVersion")
        .execute();
      for (const row of slow) {
        const arm = armOf("candidate", row.promptVersion);
        const counts = row as unknown as Record<string, unknown>;
        if (arm) arm.slower = arm.slower.map((_, i) => num(counts[`slower${i}`]));
      }
    }
  }

  const names = [...new Set(rollout.guardrails.flatMap((g) => scoreNameOf(g) ?? []))];
  for (const side of names.length > 0 ? SIDES : []) {
    const scores = await db
      .selectFrom("traces")
      .innerJoin("traceScores", (join) =>
        join
          .onRef("traceScores.projectId", "=", "traces.projectId")
          .onRef("traceScores.traceId", "=", "traces.id"),
      )
      .where(inSide(side))
      .where("traceScores.name", "in", names)
      .select((eb) => [
        "traces.promptVersion",
        "traceScores.name",
        eb.fn.countAll().as("n"),
        eb.fn.sum("traceScores.value").as("total"),
        sql<number>`sum(${eb.ref("traceScores.value")} * ${eb.ref("traceScores.value")})`.as(
          "totalSq",
        ),
      ])
      .groupBy(["traces.promptVersion", "traceScores.name"])
      .execute();
    for (const row of scores) {
      armOf(side, row.promptVersion)?.scores.set(row.name, {
        n: num(row.n),
        sum: num(row.total),
        sumSq: num(row.totalSq),
      });
    }
  }
  return measures;
}
