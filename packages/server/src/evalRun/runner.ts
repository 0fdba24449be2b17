/**
 * The background worker that carries evaluation runs out, in the server's own process. It claims
 * a run by lease (renewed every few seconds), so one instance works on it at a time; another
 * instance, or this one after a restart, takes over a run whose lease expired. It works the
 * items that have no result row yet, each written as it finishes, so a run stopped anywhere
 * (cancelled, the process killed) continues without re-running or losing a case.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { PromptContent, ScorerSpec } from "@promptline/core";
import type { ServiceContext } from "../context.js";
import { findDatasetByName, listCasesAt } from "../dataset/store.js";
import { writeWithEvents } from "../event/write.js";
import { findPromptById } from "../prompt/store.js";
import type { DatasetCaseRow, EvalResultRow, EvalRunRow } from "../storage/database.js";
import { findVersion } from "../version/store.js";
import { finishedEvent } from "./events.js";
import { type ItemDeps, type PlannedVariant, runItem } from "./item.js";
import { GroupWriter, Semaphore } from "./limits.js";
import {
  claimableRunIds,
  claimRun,
  doneItems,
  findRunById,
  insertResults,
  moveRun,
  releaseLease,
  renewLease,
} from "./store.js";
import { computeSummary } from "./summaries.js";

export interface EvalRunnerOptions {
  /** Names this instance in leases; a new one per process by default. */
  instanceId?: string;
  /** How long a claim holds without renewal; renewed every third of it. */
  leaseMs?: number;
  /** How often to look for runs to take over (new runs wake the worker at once). */
  pollMs?: number;
  /** Provider calls in flight at most, across every run of this instance. */
  maxCalls?: number;
  /** Runs worked on at once by this instance. */
  maxRuns?: number;
  warn(error: unknown, what: string): void;
}

/** How long a cancel waits for the run's calls to stop before it answers anyway. */
const ABORT_WAIT_MS = 10_000;
/**
 * Results are stored in batches: a finished result waits at most this long for others to share
 * its transaction. A process killed meanwhile re-runs those few items when the run resumes.
 */
const RESULT_LINGER_MS = 25;
const RESULT_BATCH = 100;
/** Cases read (and checked for results) at a time. */
const CASE_PAGE = 500;

/** A run stopped by this instance's shutdown or because its lease went elsewhere. */
class Interrupted extends Error {}

export class EvalRunner {
  readonly instanceId: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxRuns: number;
  private readonly calls: Semaphore;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private stopped = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly deps: ItemDeps,
    private readonly options: EvalRunnerOptions,
  ) {
    this.instanceId = options.instanceId ?? `runner-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 2000;
    this.maxRuns = options.maxRuns ?? 4;
    this.calls = new Semaphore(options.maxCalls ?? 16);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for work now (a run was created or resumed) instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claimSome()
      .catch((error) => this.options.warn(error, "evaluation runs: claiming"))
      .finally(() => {
        this.claiming = undefined;
        if (this.claimAgain) {
          this.claimAgain = false;
          this.wake();
        }
      });
  }

  /**
   * Stops the run's calls at once (it was cancelled) and waits, a bounded time, for its workers
   * to let go; its finished results stay.
   */
  async abort(runId: string): Promise<void> {
    const run = this.active.get(runId);
    if (!run) return;
    run.controller.abort(new Interrupted("the run was cancelled"));
    await Promise.race([run.done, sleep(ABORT_WAIT_MS, undefined, { ref: false })]);
  }

  /** The runs this instance is working on. */
  get running(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Stops taking runs and aborts the calls in flight. With `release` (a clean shutdown) the
   * leases are let go so another instance takes over at once; without, they expire.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.claiming;
    const runs = [...this.active.entries()];
    for (const [, run] of runs) run.controller.abort(new Interrupted("the server is stopping"));
    await Promise.all(runs.map(([, run]) => run.done));
    if (release) {
      for (const [id] of runs) {
        await releaseLease(this.ctx.engine.db, id, this.instanceId).catch((error) =>
          this.options.warn(error, "evaluation runs: releasing a lease"),
        );
      }
    }
  }

  private lease() {
    const now = this.ctx.clock.now();
    return {
      owner: this.instanceId,
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.leaseMs).toISOString(),
    };
  }

  private async claimSome(): Promise<void> {
    const free = this.maxRuns - this.active.size;
    if (free <= 0) return;
    const { db } = this.ctx.engine;
    const ids = await claimableRunIds(db, this.lease().now, free + 4);
    for (const id of ids) {
      if (this.stopped || this.active.size >= this.maxRuns) return;
      if (this.active.has(id) || !(await claimRun(db, id, this.lease()))) continue;
      const controller = new AbortController();
      // Every call in flight (up to 32) listens for the run's cancel, at a few places each.
      setMaxListeners(256, controller.signal);
      const done = this.work(id, controller)
        .catch((error) => this.options.warn(error, `evaluation run ${id}`))
        .finally(() => {
          this.active.delete(id);
          this.wake();
        });
      this.active.set(id, { controller, done });
    }
  }

  private async work(id: string, controller: AbortController): Promise<void> {
    const { db } = this.ctx.engine;
    const renewal = setInterval(() => {
      renewLease(db, id, this.instanceId, this.lease().expiresAt).then(
        (held) => {
          if (!held) controller.abort(new Interrupted("the run is no longer this instance's"));
        },
        (error) => this.options.warn(error, `evaluation run ${id}: renewing its lease`),
      );
    }, this.leaseMs / 3);
    renewal.unref();
    try {
      const run = await findRunById(db, id);
      if (!run) return;
      const planned = await this.plan(run);
      if (typeof planned === "string") {
        await this.finish(run, "failed", planned);
        return;
      }
      await this.workItems(run, planned, controller);
      if (!controller.signal.aborted) await this.finish(run, "completed", null);
    } finally {
      clearInterval(renewal);
    }
  }

  /** Each variant's content, or why the run cannot go on (something it needs is gone). */
  private async plan(run: EvalRunRow): Promise<PlannedVariant[] | string> {
    const { db } = this.ctx.engine;
    const dataset = await findDatasetByName(db, run.projectId, run.datasetName);
    if (!dataset || dataset.id !== run.datasetId || dataset.latestRevision < run.datasetRevision) {
      return `dataset '${run.datasetName}' revision ${run.datasetRevision} no longer exists`;
    }
    const prompt = await findPromptById(db, run.promptId);
    if (!prompt) return `prompt '${run.promptName}' no longer exists`;
    const planned: PlannedVariant[] = [];
    for (const variant of run.variants) {
      let content: PromptContent | undefined = variant.content;
      if (variant.version !== null) {
        content = (await findVersion(db, prompt.id, variant.version))?.content;
        if (!content)
          return `prompt '${run.promptName}' version ${variant.version} no longer exists`;
      }
      if (!content) return `variant '${variant.label}' has neither a version nor content`;
      planned.push({
        variant,
        content,
        promptTag: {
          name: run.promptName,
          // A version is tagged by its number; the draft or a file by how the run named it.
          ...(variant.version !== null
            ? { version: variant.version }
            : { label: variant.label.slice(0, 64) }),
        },
      });
    }
    return planned;
  }

  private async workItems(run: EvalRunRow, planned: PlannedVariant[], controller: AbortController) {
    const { db } = this.ctx.engine;
    const { signal } = controller;
    let cursor: string | undefined;
    let exhausted = false;
    let queue: Array<{ variant: number; row: DatasetCaseRow }> = [];
    let at = 0;
    // The next item without a result; pages of cases are read one at a time, in case order.
    const next = async () => {
      while (at >= queue.length && !exhausted && !signal.aborted) {
        const page = await listCasesAt(db, run.datasetId, run.datasetRevision, {
          afterCaseId: cursor,
          limit: CASE_PAGE,
        });
        exhausted = page.length < CASE_PAGE;
        cursor = page.at(-1)?.caseId ?? cursor;
        const done = await doneItems(
          db,
          run.id,
          page.map((row) => row.rowId),
        );
        queue = page.flatMap((row) =>
          planned.flatMap((_, variant) =>
            done.has(`${variant}:${row.rowId}`) ? [] : [{ variant, row }],
          ),
        );
        at = 0;
      }
      return at < queue.length ? queue[at++] : undefined;
    };
    let turn: Promise<unknown> = Promise.resolve();
    const take = () => {
      const item = turn.then(next);
      turn = item.catch(() => undefined);
      return item;
    };
    const context = {
      projectId: run.projectId,
      runId: run.id,
      scorers: run.scorers as ScorerSpec[],
      requestsPerMinute: run.requestsPerMinute,
    };
    let failure: { error: unknown } | undefined;
    // A storage failure stops every worker of the run (it is picked up again later).
    const fail = (error: unknown) => {
      failure ??= { error };
      controller.abort(error);
    };
    const results = new GroupWriter<EvalResultRow>(
      (rows) => db.transaction().execute((trx) => insertResults(trx, rows)),
      { lingerMs: RESULT_LINGER_MS, maxBatch: RESULT_BATCH },
    );
    const worker = async () => {
      for (let item = await take(); item && !signal.aborted; item = await take()) {
        const release = await this.calls.acquire(signal);
        let result: Awaited<ReturnType<typeof runItem>>;
        try {
          const plannedVariant = planned[item.variant] as PlannedVariant;
          result = await runItem(
            this.deps,
            context,
            plannedVariant,
            item.variant,
            item.row,
            signal,
          );
        } finally {
          release();
        }
        // The slot goes on to its next call while the result waits for its batch; it waits
        // for the write only when writes fall behind the calls.
        const stored = results.add(result);
        stored.catch(fail);
        if (results.backlog >= RESULT_BATCH) await stored;
      }
    };
    // An abort (cancel, shutdown, a lost lease) ends the workers; it is no failure.
    const guarded = () =>
      worker().catch((error: unknown) => {
        if (!signal.aborted) fail(error);
      });
    await Promise.all(Array.from({ length: run.concurrency }, guarded));
    // Results already finished are kept whatever stopped the run.
    await results.drain();
    if (failure) throw failure.error;
  }

  /** Ends a run this instance holds: its summary stored, the event recorded. */
  private async finish(run: EvalRunRow, status: "completed" | "failed", error: string | null) {
    const summary = await computeSummary(this.ctx.engine.db, run);
    const finishedAt = this.ctx.clock.now().toISOString();
    await writeWithEvents(this.ctx, async (trx, record) => {
      const moved = await moveRun(
        trx,
        run.id,
        ["running"],
        { status, summary, error, finishedAt },
        this.instanceId,
      );
      if (moved) await record(finishedEvent(run, status, summary, error));
    });
  }
}
