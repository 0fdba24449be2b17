/**
 * Scores sampled production traces in the background. Offering a trace never waits: it joins a
 * bounded queue or, when the queue is full or the worker stopped, is dropped and counted. A few
 * traces are scored at a time, so scoring never competes with requests for more than that.
 */
import { type OutputConstraints, type ScorerSpec, scorerName } from "@promptline/core";
import { score } from "@promptline/core/scorers";
import type { Judge } from "../evalRun/judge.js";

/** One sampled trace and the scorers its rule names. */
export interface ScoringJob {
  projectId: string;
  traceId: string;
  promptName: string;
  version: number | null;
  scorers: readonly ScorerSpec[];
}

/** What the scorers look at of a stored trace. */
export interface ScoringSubject {
  /** The assistant's text, or the output's JSON text. */
  output: string;
  /** What the prompt was filled with (its variables), or the messages sent. */
  input: unknown;
  latencyMs: number | null;
  cost: number | null;
  constraints: OutputConstraints | undefined;
}

/** A score as attached to the trace. */
export interface OnlineScore {
  name: string;
  value: number;
  comment: string;
}

/** Why a scorer or a trace was not scored, as counted. */
export type SkipReason = "judge_unavailable" | "no_output" | "trace_gone" | "already_scored";

export interface OnlineEvalWorkerOptions {
  /** The stored trace as the scorers see it, or why it is not scored. */
  load(job: ScoringJob): Promise<ScoringSubject | SkipReason>;
  /** Attaches the scores to the trace. */
  attach(job: ScoringJob, scores: OnlineScore[]): Promise<void>;
  /** LLM-as-judge, as evaluation runs use it; without it judge scorers are skipped (counted). */
  judge?: Judge | undefined;
  /** Traces waiting at most; past it offers are dropped. */
  capacity?: number;
  /** Traces scored at once. */
  concurrency?: number;
  onError?(error: unknown, what: string): void;
}

export interface OnlineEvalStats {
  queued: number;
  dropped: number;
  /** Scores attached to traces. */
  scored: number;
  /** Scorers that could not judge (nothing is written for them). */
  errors: number;
  skipped: Record<SkipReason, number>;
}

export class OnlineEvalWorker {
  private readonly queue: ScoringJob[] = [];
  private active = 0;
  private closed = false;
  /** Set once the drain's deadline passed: work still running writes nothing more. */
  private abandoned = false;
  private idleWaiters: Array<() => void> = [];
  private readonly capacity: number;
  private readonly concurrency: number;
  readonly stats: OnlineEvalStats = {
    queued: 0,
    dropped: 0,
    scored: 0,
    errors: 0,
    skipped: { judge_unavailable: 0, no_output: 0, trace_gone: 0, already_scored: 0 },
  };

  constructor(private readonly options: OnlineEvalWorkerOptions) {
    this.capacity = options.capacity ?? 1000;
    this.concurrency = options.concurrency ?? 2;
  }

  /** Queues a trace for scoring and returns at once; false when it was dropped. */
  offer(job: ScoringJob): boolean {
    if (this.closed || this.queue.length >= this.capacity) {
      this.stats.dropped++;
      return false;
    }
    this.queue.push(job);
    this.stats.queued = this.queue.length;
    this.pump();
    return true;
  }

  /** Resolves when nothing is queued or being scored (tests and shutdown wait on it). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes no more traces and waits for the queued ones to be scored, at most `deadlineMs`; what
   * is still waiting then is dropped (and counted), and scoring still under way writes nothing.
   */
  async close(deadlineMs = 5000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
      timer.unref();
    });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    this.abandoned = true;
    this.stats.dropped += this.queue.splice(0).length;
    this.stats.queued = 0;
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0 && !this.abandoned) {
      const job = this.queue.shift() as ScoringJob;
      this.stats.queued = this.queue.length;
      this.active++;
      void this.run(job)
        .catch((error: unknown) => this.options.onError?.(error, "online evaluation"))
        .finally(() => {
          this.active--;
          this.pump();
          if (this.queue.length === 0 && this.active === 0) {
            for (const resolve of this.idleWaiters.splice(0)) resolve();
          }
        });
    }
  }

  private async run(job: ScoringJob): Promise<void> {
    const subject = await this.options.load(job);
    if (typeof subject === "string") {
      this.stats.skipped[subject]++;
      return;
    }
    const scores: OnlineScore[] = [];
    for (const spec of job.scorers) {
      const result = await this.scoreOne(job, spec, subject);
      if (result) scores.push(result);
    }
    if (scores.length === 0 || this.abandoned) return;
    await this.options.attach(job, scores);
    this.stats.scored += scores.length;
  }

  /** One scorer's score; undefined (and counted) when it could not judge or was skipped. */
  private async scoreOne(
    job: ScoringJob,
    spec: ScorerSpec,
    subject: ScoringSubject,
  ): Promise<OnlineScore | undefined> {
    const name = scorerName(spec);
    if (spec.type === "judge") {
      const { judge } = this.options;
      if (!judge) {
        this.stats.skipped.judge_unavailable++;
        return undefined;
      }
      try {
        const verdict = await judge(job.projectId, spec, {
          input: subject.input,
          output: subject.output,
        });
        if (verdict.error === null && verdict.score !== null) {
          return { name, value: verdict.score, comment: verdict.reason ?? "" };
        }
      } catch (error) {
        this.options.onError?.(error, `online evaluation judge '${name}'`);
      }
      this.stats.errors++;
      return undefined;
    }
    const result = score(spec, {
      output: subject.output,
      latencyMs: subject.latencyMs,
      cost: subject.cost,
      constraints: subject.constraints,
    });
    if ("error" in result) {
      this.stats.errors++;
      return undefined;
    }
    return { name, value: result.score, comment: result.reason };
  }
}
