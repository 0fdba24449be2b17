/**
 * How `promptline eval` shows a run's progress: a bar on a terminal, a plain line now and then in
 * a CI log (a bar there would be hundreds of redrawn lines), nothing with --json. Always on
 * stderr, so that stdout holds only the summary or the JSON.
 */
import { createRequire } from "node:module";
import type { EvalProgress } from "@promptline/core";
import type { Io } from "../output.js";

// cli-progress loads with the first bar (a CommonJS package: required).
const require = createRequire(import.meta.url);

export interface ProgressView {
  update(progress: EvalProgress, status: string): void;
  /** Ends the bar (or says nothing more); safe to call twice. */
  stop(): void;
}

/** A line per tenth of the run in a log; the first and last are always written. */
const LOG_STEPS = 10;

export function progressView(io: Io, json: boolean, runId: string): ProgressView {
  if (json) return { update() {}, stop() {} };
  if (io.progress) return barView(io.progress);
  let lastStep = -1;
  let lastStatus = "";
  return {
    update(progress, status) {
      const step =
        progress.total === 0 ? LOG_STEPS : Math.floor((progress.done / progress.total) * LOG_STEPS);
      if (step === lastStep && status === lastStatus) return;
      lastStep = step;
      lastStatus = status;
      io.stderr(
        `run ${runId}: ${progress.done}/${progress.total} calls, ${progress.errored} errors (${status})`,
      );
    },
    stop() {},
  };
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  const { SingleBar, Presets }: typeof import("cli-progress") = require("cli-progress");
  const bar = new SingleBar(
    {
      stream,
      format: "{bar} {value}/{total} calls | {errored} errors | {status}",
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(progress, status) {
      if (stopped) return;
      const payload = { errored: progress.errored, status };
      if (!started) {
        bar.start(progress.total, progress.done, payload);
        started = true;
        return;
      }
      bar.setTotal(progress.total);
      bar.update(progress.done, payload);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
