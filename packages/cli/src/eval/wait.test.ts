import type { EvalRun } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeFor, Interrupted } from "../errors.js";
import { progressView } from "./progress.js";
import { type RunWatchApi, waitForRun } from "./wait.js";

function runAt(done: number, status: EvalRun["status"] = "running"): EvalRun {
  return {
    id: "run-1",
    status,
    progress: { total: 10, done, errored: done > 5 ? 1 : 0 },
  } as EvalRun;
}

/** A run that moves one call further at each look, or never when `stuck`. */
function fakeApi(stuck = false): RunWatchApi & { cancelled: string[] } {
  let done = 0;
  const cancelled: string[] = [];
  return {
    cancelled,
    async get() {
      if (!stuck) done += 1;
      return runAt(done, done >= 10 ? "completed" : "running");
    },
    async cancel(id) {
      cancelled.push(id);
    },
  };
}

describe("waiting for a run", () => {
  it("follows the run to its end, telling each look", async () => {
    const seen: number[] = [];
    const api = fakeApi();
    const run = await waitForRun(api, runAt(0), {
      timeoutMs: 60_000,
      pollMs: 1,
      onProgress: (r) => seen.push(r.progress.done),
    });
    expect(run.status).toBe("completed");
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(api.cancelled).toEqual([]);
  });

  it("cancels the run when the time is up, and says so", async () => {
    const api = fakeApi(true);
    const waited = waitForRun(api, runAt(0), { timeoutMs: 30, pollMs: 5 });
    await expect(waited).rejects.toThrow(
      /^run run-1 did not finish within 0.03 s \(0\/10 calls done\): cancelled run run-1 \(--timeout allows more\)$/,
    );
    expect(api.cancelled).toEqual(["run-1"]);
  });

  it("cancels the run on Ctrl-C, which exits 130", async () => {
    const api = fakeApi(true);
    const interrupt = new AbortController();
    const waited = waitForRun(api, runAt(0), {
      timeoutMs: 60_000,
      pollMs: 10_000,
      signal: interrupt.signal,
    });
    interrupt.abort();
    const error = await waited.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect((error as Error).message).toBe("interrupted: cancelled run run-1");
    expect(exitCodeFor(error)).toBe(EXIT.interrupted);
    expect(api.cancelled).toEqual(["run-1"]);
  });
});

describe("progress outside a terminal", () => {
  it("is a line per tenth of the run and per change of status, on stderr", () => {
    const lines: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => lines.push(t), env: {} };
    const view = progressView(io, false, "run-1");
    view.update({ total: 100, done: 0, errored: 0 }, "queued");
    view.update({ total: 100, done: 0, errored: 0 }, "running");
    for (let done = 1; done <= 100; done++) {
      view.update({ total: 100, done, errored: 0 }, done === 100 ? "completed" : "running");
    }
    view.stop();
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe("run run-1: 0/100 calls, 0 errors (queued)");
    expect(lines.at(-1)).toBe("run run-1: 100/100 calls, 0 errors (completed)");
  });

  it("is silent with --json", () => {
    const lines: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => lines.push(t), env: {} };
    progressView(io, true, "run-1").update({ total: 1, done: 1, errored: 0 }, "completed");
    expect(lines).toEqual([]);
  });
});
