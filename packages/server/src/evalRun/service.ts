/**
 * Evaluation runs, the rules: a run is checked whole and pinned when created (then the runner
 * carries it out in the background), can be cancelled and resumed, reports progress and a
 * summary (live while it runs), and takes scores from the CLI's custom scorers.
 */
import {
  Conflict,
  type CreateEvalRunBody,
  type EvalProgressEvent,
  type EvalResultsPage,
  type EvalResultsQuery,
  type EvalRun,
  type EvalRunList,
  type EvalRunListQuery,
  Invalid,
  NotFound,
  type Principal,
  type RunSummary,
  type SubmitEvalScoresBody,
  timeOrderedId,
  Unprocessable,
} from "@promptline/core";
import { scorerListProblem } from "@promptline/core/scorers";
import { nowIso, type ServiceContext } from "../context.js";
import { requireDataset } from "../dataset/registry.js";
import { writeWithEvents } from "../event/write.js";
import type { PromptService } from "../prompt/service.js";
import type { ProviderService } from "../provider/service.js";
import type { ResolveService } from "../resolve/service.js";
import type { EvalRunRow } from "../storage/database.js";
import { submitCustomScores } from "./custom-scores.js";
import { cancelledEvent, startedEvent } from "./events.js";
import { planVariants, requireEnvironment } from "./plan.js";
import { resultsPage } from "./results.js";
import type { EvalRunner } from "./runner.js";
import {
  countCasesAt,
  findRun,
  findRunProgress,
  insertRun,
  listRuns,
  moveRun,
  storeSummary,
} from "./store.js";
import { computeSummary } from "./summaries.js";

/** Bounds of one run: cases, and items (cases × variants). */
export const MAX_RUN_CASES = 100_000;
export const MAX_RUN_ITEMS = 200_000;
/** A running run's live summary is computed again at most this often. */
const LIVE_SUMMARY_MS = 2000;

export interface EvalRunService {
  createRun(principal: Principal, body: CreateEvalRunBody): Promise<EvalRun>;
  listRuns(principal: Principal, query: EvalRunListQuery): Promise<EvalRunList>;
  getRun(principal: Principal, id: string): Promise<EvalRun>;
  cancelRun(principal: Principal, id: string): Promise<EvalRun>;
  resumeRun(principal: Principal, id: string): Promise<EvalRun>;
  results(principal: Principal, id: string, query: EvalResultsQuery): Promise<EvalResultsPage>;
  submitScores(
    principal: Principal,
    id: string,
    body: SubmitEvalScoresBody,
  ): Promise<{ updated: number; run: EvalRun }>;
  /** The run's status and counters (what the progress stream sends). */
  progress(principal: Principal, id: string): Promise<EvalProgressEvent>;
}

/** How long one read of a run's counters serves every watcher of the run. */
const PROGRESS_SHARED_MS = 250;
/** Runs whose last counters are kept for sharing; past it the memory starts over. */
const MAX_SHARED_PROGRESS = 10_000;

export const isFinished = (status: EvalRunRow["status"]) =>
  status === "completed" || status === "failed" || status === "cancelled";

function present(row: EvalRunRow, summary: RunSummary | null): EvalRun {
  return {
    id: row.id,
    prompt: row.promptName,
    dataset: row.datasetName,
    revision: row.datasetRevision,
    status: row.status,
    variants: row.variants,
    scorers: row.scorers,
    environment: row.environment,
    concurrency: row.concurrency,
    requestsPerMinute: row.requestsPerMinute,
    progress: { total: row.totalItems, done: row.doneItems, errored: row.erroredItems },
    summary,
    error: row.error,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export function createEvalRunService(
  ctx: ServiceContext,
  deps: {
    prompts: PromptService;
    providers: ProviderService;
    resolver: ResolveService;
    runner: Pick<EvalRunner, "wake" | "abort">;
  },
): EvalRunService {
  const { db } = ctx.engine;
  const live = new Map<string, { at: number; done: number; summary: RunSummary }>();

  const progressReads = new Map<string, { at: number; read: Promise<EvalProgressEvent> }>();

  async function requireRun(principal: Principal, id: string): Promise<EvalRunRow> {
    const run = id.length <= 64 ? await findRun(db, principal.projectId, id) : undefined;
    if (!run) {
      throw new NotFound(
        `no evaluation run '${id}' in this project — list them with GET /api/v1/eval-runs`,
      );
    }
    return run;
  }

  /** The stored summary of a finished run; a running run's, computed from its results so far. */
  async function summaryOf(run: EvalRunRow): Promise<RunSummary | null> {
    if (isFinished(run.status) || run.doneItems === 0) return run.summary;
    const now = ctx.clock.now().getTime();
    const cached = live.get(run.id);
    if (cached && (cached.done === run.doneItems || now - cached.at < LIVE_SUMMARY_MS)) {
      return cached.summary;
    }
    const summary = await computeSummary(db, run);
    if (live.size >= 100) live.clear();
    live.set(run.id, { at: now, done: run.doneItems, summary });
    return summary;
  }

  /** The dataset revision a run reads and its case count, or the 4xx that says why not. */
  async function pickRevision(projectId: string, name: string, revision: number | undefined) {
    const dataset = await requireDataset(db, projectId, name);
    if (dataset.latestRevision === 0) {
      throw new Unprocessable(`dataset '${name}' has no cases yet: add some, then start the run`);
    }
    const picked = revision ?? dataset.latestRevision;
    if (picked > dataset.latestRevision) {
      throw new NotFound(
        `dataset '${name}' has no revision ${picked}; the latest is ${dataset.latestRevision}`,
      );
    }
    const cases = await countCasesAt(db, dataset.id, picked);
    if (cases === 0) {
      throw new Unprocessable(`dataset '${name}' revision ${picked} has no cases: nothing to run`);
    }
    if (cases > MAX_RUN_CASES) {
      throw new Invalid(
        `dataset '${name}' revision ${picked} has ${cases} cases; a run takes at most ${MAX_RUN_CASES}`,
      );
    }
    return { dataset, revision: picked, cases };
  }

  /** Every judge's prompt must resolve, and every connection a call will use must exist. */
  async function checkCallables(
    projectId: string,
    body: CreateEvalRunBody,
    planned: Awaited<ReturnType<typeof planVariants>>,
  ) {
    const seen = new Set<string>();
    const check = async (name: string | undefined) => {
      if (seen.has(name ?? "")) return;
      seen.add(name ?? "");
      await deps.providers.targetFor(projectId, name);
    };
    for (const { variant, content } of planned) {
      await check(variant.provider ?? content.config?.provider);
    }
    for (const spec of body.scorers) {
      if (spec.type !== "judge") continue;
      const selector =
        spec.version !== undefined ? { version: spec.version } : { label: spec.label ?? "latest" };
      const { prompt } = await deps.resolver.resolve(projectId, spec.prompt, selector);
      await check(spec.provider ?? prompt.content.config?.provider);
    }
  }

  return {
    async createRun(principal, body) {
      const { projectId } = principal;
      const scorerProblem = scorerListProblem(body.scorers);
      if (scorerProblem) throw new Invalid(scorerProblem);
      const prompt = await deps.prompts.requirePrompt(projectId, body.prompt);
      const environment = body.environment ?? "production";
      await requireEnvironment(db, projectId, environment);
      const { dataset, revision, cases } = await pickRevision(
        projectId,
        body.dataset,
        body.revision,
      );
      const planned = await planVariants(db, projectId, prompt, body, environment);
      const total = cases * planned.length;
      if (total > MAX_RUN_ITEMS) {
        throw new Invalid(
          `${cases} cases × ${planned.length} variants is ${total} items; a run takes at most ${MAX_RUN_ITEMS}: fewer candidates or models, or a smaller dataset`,
        );
      }
      await checkCallables(projectId, body, planned);
      const at = ctx.clock.now();
      const row: EvalRunRow = {
        id: timeOrderedId(at.getTime()),
        projectId,
        promptId: prompt.id,
        promptName: prompt.name,
        datasetId: dataset.id,
        datasetName: dataset.name,
        datasetRevision: revision,
        variants: planned.map((p) => p.variant),
        scorers: body.scorers,
        environment,
        concurrency: body.concurrency,
        requestsPerMinute: body.requestsPerMinute ?? null,
        status: "queued",
        totalItems: total,
        doneItems: 0,
        erroredItems: 0,
        error: null,
        summary: null,
        customScorers: [],
        leaseOwner: null,
        leaseExpiresAt: null,
        createdAt: at.toISOString(),
        createdBy: principal.actor,
        startedAt: null,
        finishedAt: null,
      };
      await writeWithEvents(ctx, async (trx, record) => {
        await insertRun(trx, row);
        await record(startedEvent(row, principal.actor));
      });
      deps.runner.wake();
      return present(row, null);
    },

    async listRuns(principal, query) {
      const rows = await listRuns(db, principal.projectId, {
        promptName: query.prompt,
        status: query.status,
        before: query.before,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        items: page.map((row) => present(row, row.summary)),
        nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    async getRun(principal, id) {
      const run = await requireRun(principal, id);
      return present(run, await summaryOf(run));
    },

    async cancelRun(principal, id) {
      const run = await requireRun(principal, id);
      const finishedAt = nowIso(ctx);
      const moved = await writeWithEvents(ctx, async (trx, record) => {
        const done = await moveRun(trx, id, ["queued", "running"], {
          status: "cancelled",
          finishedAt,
        });
        if (done) await record(cancelledEvent(run, principal.actor));
        return done;
      });
      if (!moved) {
        throw new Conflict(
          `evaluation run '${id}' is ${run.status}: only a queued or running run can be cancelled`,
        );
      }
      await deps.runner.abort(id);
      const cancelled = await requireRun(principal, id);
      const summary = await computeSummary(db, cancelled);
      await storeSummary(db, id, summary);
      return present({ ...cancelled, summary }, summary);
    },

    async resumeRun(principal, id) {
      const run = await requireRun(principal, id);
      const moved = await writeWithEvents(ctx, async (trx, record) => {
        const done = await moveRun(trx, id, ["cancelled", "failed"], {
          status: "queued",
          error: null,
          finishedAt: null,
          summary: null,
        });
        if (done) await record(startedEvent(run, principal.actor, true));
        return done;
      });
      if (!moved) {
        throw new Conflict(
          `evaluation run '${id}' is ${run.status}: only a cancelled or failed run can be resumed`,
        );
      }
      deps.runner.wake();
      return present({ ...run, status: "queued", error: null, finishedAt: null }, null);
    },

    async results(principal, id, query) {
      return resultsPage(db, await requireRun(principal, id), query);
    },

    async submitScores(principal, id, body) {
      await submitCustomScores(ctx, await requireRun(principal, id), body, principal.actor);
      live.delete(id);
      let latest = await requireRun(principal, id);
      if (isFinished(latest.status)) {
        const summary = await computeSummary(db, latest);
        await storeSummary(db, id, summary);
        latest = { ...latest, summary };
      }
      return { updated: body.scores.length, run: present(latest, await summaryOf(latest)) };
    },

    progress(principal, id) {
      // Many watchers of one run (a team's browsers, CI jobs) share one read per interval.
      const key = `${principal.projectId}\u0000${id}`;
      const now = ctx.clock.now().getTime();
      const recent = progressReads.get(key);
      if (recent && now - recent.at < PROGRESS_SHARED_MS) return recent.read;
      if (progressReads.size >= MAX_SHARED_PROGRESS) progressReads.clear();
      const read = (async () => {
        const run =
          id.length <= 64 ? await findRunProgress(db, principal.projectId, id) : undefined;
        if (!run) {
          throw new NotFound(
            `no evaluation run '${id}' in this project — list them with GET /api/v1/eval-runs`,
          );
        }
        return {
          status: run.status,
          total: run.totalItems,
          done: run.doneItems,
          errored: run.erroredItems,
        };
      })();
      progressReads.set(key, { at: now, read });
      return read;
    },
  };
}
