/**
 * `rollout status --watch`: looks at the rollout again and again, printing it whenever what is
 * shown changed, until it ends — and never longer than the user allowed, nor past Ctrl-C.
 */
import type { RolloutDetail } from "@promptline/core";
import { Interrupted } from "../errors.js";
import { sleepUnlessAborted } from "../sleep.js";

export interface WatchOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Aborted by Ctrl-C. */
  signal?: AbortSignal;
  /** What a look shows; printed when it differs from the last one printed. */
  render: (detail: RolloutDetail) => string;
  print: (text: string) => void;
}

export const isActive = (r: Pick<RolloutDetail, "status">) =>
  r.status === "running" || r.status === "paused";

/** The rollout once it has ended (promoted, aborted or rolled back). */
export async function watchRollout(
  look: () => Promise<RolloutDetail>,
  first: RolloutDetail,
  options: WatchOptions,
): Promise<RolloutDetail> {
  const deadline = Date.now() + options.timeoutMs;
  let detail = first;
  let shown: string | undefined;
  for (;;) {
    const text = options.render(detail);
    if (text !== shown) {
      options.print(text);
      shown = text;
    }
    if (!isActive(detail)) return detail;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `rollout #${detail.id} is still ${detail.status} after ${options.timeoutMs / 1000} s of watching (--timeout allows more)`,
      );
    }
    if (await sleepUnlessAborted(Math.min(options.intervalMs, left), options.signal)) {
      throw new Interrupted(`stopped watching; rollout #${detail.id} goes on`);
    }
    detail = await look();
  }
}
