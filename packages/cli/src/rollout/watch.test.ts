import type { RolloutDetail } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeFor, Interrupted } from "../errors.js";
import { watchRollout } from "./watch.js";

const at = (status: RolloutDetail["status"], revision: number) =>
  ({ id: 4, status, revision }) as RolloutDetail;

/** Looks that return the given rollouts in turn, then the last one again and again. */
function looks(...details: RolloutDetail[]) {
  let i = 0;
  const look = async () => details[Math.min(i++, details.length - 1)] as RolloutDetail;
  return { look, count: () => i };
}

const render = (d: RolloutDetail) => `${d.status} r${d.revision}`;

describe("watching a rollout", () => {
  it("prints each change once and ends with the rollout", async () => {
    const printed: string[] = [];
    const { look } = looks(at("running", 1), at("running", 2), at("paused", 3), at("promoted", 4));
    const ended = await watchRollout(look, at("running", 1), {
      intervalMs: 1,
      timeoutMs: 60_000,
      render,
      print: (text) => printed.push(text),
    });
    expect(ended.status).toBe("promoted");
    expect(printed).toEqual(["running r1", "running r2", "paused r3", "promoted r4"]);
  });

  it("gives up at the timeout, saying the rollout goes on", async () => {
    const { look } = looks(at("running", 1));
    await expect(
      watchRollout(look, at("running", 1), {
        intervalMs: 1,
        timeoutMs: 20,
        render,
        print: () => {},
      }),
    ).rejects.toThrow(
      "rollout #4 is still running after 0.02 s of watching (--timeout allows more)",
    );
  });

  it("stops at Ctrl-C without looking again", async () => {
    const { look, count } = looks(at("running", 1));
    const interrupt = new AbortController();
    const watching = watchRollout(look, at("running", 1), {
      intervalMs: 60_000,
      timeoutMs: 120_000,
      signal: interrupt.signal,
      render,
      print: () => {},
    });
    interrupt.abort();
    const error = await watching.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect((error as Error).message).toBe("stopped watching; rollout #4 goes on");
    expect(exitCodeFor(error)).toBe(EXIT.interrupted);
    expect(count()).toBe(0);
  });
});
