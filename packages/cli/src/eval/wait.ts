/**
 * Waiting for a run to end, and never longer than the user allowed: on the deadline or Ctrl-C
 * the run is cancelled on the server (it would otherwise go on spending tokens nobody will
 * read) and the wait ends with an error that says so.
 */
import type { EvalRun } from "@promptline/core";
import { Interrupted } from "../errors.js";
import { sleepUnlessAborted } from "../sleep.js";

export interface RunWatchApi {
  get(id: string): Promise<EvalRun>;
  cancel(id: string): Promise<unknown>;
}

export interface WaitOptions {
  timeoutMs: number;
  /** Aborted by Ctrl-C. */
  signal?: AbortSignal;
  /** Between two looks at the run. */
  pollMs?: number;
  onProgress?: (run: EvalRun) => void;
}

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** The run once it has completed, failed or been cancelled. */
export async function waitForRun(
  api: RunWatchApi,
  started: EvalRun,
  options: WaitOptions,
): Promise<EvalRun> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 500;
  let run = started;
  for (;;) {
    options.onProgress?.(run);
    if (FINISHED.has(run.status)) return run;
    const left = deadline - Date.now();
    if (left <= 0) {
      const cancelled = await cancelQuietly(api, run.id);
      throw new Error(
        `run ${run.id} did not finish within ${options.timeoutMs / 1000} s (${run.progress.done}/${run.progress.total} calls done): ${cancelled} (--timeout allows more)`,
      );
    }
    if (await sleepUnlessAborted(Math.min(pollMs, left), options.signal)) {
      const cancelled = await cancelQuietly(api, run.id);
      throw new Interrupted(`interrupted: ${cancelled}`);
    }
    run = await api.get(run.id);
  }
}

async function cancelQuietly(api: RunWatchApi, id: string): Promise<string> {
  try {
    await api.cancel(id);
    return `cancelled run ${id}`;
  } catch (error) {
    return `could not cancel run ${id} (${(error as Error).message}); it may still be running`;
  }
}
