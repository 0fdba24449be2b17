/**
 * What `promptline rollout …` does once its flags are read: find the rollout an environment
 * runs, ask before ending it, act on the revision that was looked at, print what happened.
 */
import type { ApiClient } from "@promptline/client";
import type { Rollout, RolloutDetail } from "@promptline/core";
import type { Command } from "commander";
import { commandContext, parseVersion } from "../context.js";
import { EXIT, ExplainedError, NotFoundError, UsageError } from "../errors.js";
import { explainRefusal } from "../gate-text.js";
import { emit, type Io } from "../output.js";
import { type StartFlags, startBodyFromFlags } from "./start-options.js";
import { actedText, listText, startedText, statusText, weightsText } from "./text.js";
import { watchRollout } from "./watch.js";

export type RolloutAction = "advance" | "pause" | "resume" | "promote" | "abort";

/** Which rollout: the environment's (`--env`), or one by `--id`. */
export interface TargetFlags {
  env?: string;
  id?: string;
}

export interface ActFlags extends TargetFlags {
  reason?: string;
  yes?: boolean;
  /** promote: which candidate, when there are several. */
  version?: string;
}

export interface StatusFlags extends TargetFlags {
  watch?: boolean;
  interval: string;
  timeout: string;
}

export interface ListFlags {
  env?: string;
  active?: boolean;
  limit: string;
}

const GATE_OVERRIDE =
  "an admin may start it anyway with --override-gate '<why>' (recorded in the history)";

export async function startRollout(name: string, flags: StartFlags, command: Command, io: Io) {
  const body = startBodyFromFlags(flags);
  const ctx = await commandContext(command, io);
  const started = await ctx.api.rollouts.start(name, body).catch((error: unknown) => {
    throw explainRefusal(error, GATE_OVERRIDE);
  });
  emit(io, ctx.json, started, () => startedText(started));
}

export async function showStatus(name: string, flags: StatusFlags, command: Command, io: Io) {
  const intervalMs = seconds("--interval", flags.interval, 1, 300);
  const timeoutMs = seconds("--timeout", flags.timeout, 1, 7 * 24 * 3600);
  const ctx = await commandContext(command, io);
  const found = await findRollout(ctx.api, name, flags, { orLatest: true });
  const detail = "traffic" in found ? found : await ctx.api.rollouts.get(name, found.id);
  if (!flags.watch) {
    emit(io, ctx.json, detail, () => statusText(detail));
    return;
  }
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  let ended: RolloutDetail;
  try {
    ended = await watchRollout(() => ctx.api.rollouts.get(name, detail.id), detail, {
      intervalMs,
      timeoutMs,
      signal: interrupt.signal,
      // One JSON document a line, so a script can read each look as it comes.
      render: (d) => (ctx.json ? JSON.stringify(d) : statusText(d)),
      print: (text) => io.stdout(ctx.json ? text : `— ${new Date().toISOString()}\n${text}`),
    });
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (ended.status !== "promoted") {
    throw new ExplainedError(
      `rollout #${ended.id} was ${ended.status.replace("_", " ")}${ended.endReason ? `: ${ended.endReason}` : ""}`,
      [],
      EXIT.failure,
    );
  }
}

export async function listRollouts(
  name: string | undefined,
  flags: ListFlags,
  command: Command,
  io: Io,
) {
  const query = {
    limit: count("--limit", flags.limit, 200),
    ...(flags.env && { environment: flags.env }),
    ...(flags.active && { active: "true" as const }),
  };
  const ctx = await commandContext(command, io);
  const list = name
    ? await ctx.api.rollouts.list(name, query)
    : await ctx.api.rollouts.listAll(query);
  emit(io, ctx.json, list, () => listText(list.items));
}

export async function actOnRollout(
  action: RolloutAction,
  name: string,
  flags: ActFlags,
  command: Command,
  io: Io,
) {
  const version = flags.version === undefined ? undefined : parseVersion(flags.version);
  const ctx = await commandContext(command, io);
  const rollout = await findRollout(ctx.api, name, flags, { orLatest: false });
  const promoted = action === "promote" ? promotedVersion(rollout, version) : undefined;
  if (action === "promote" || action === "abort") {
    await confirm(io, flags.yes === true, rollout, promoted);
  }
  const acted = await ctx.api.rollouts.act(name, rollout.id, action, {
    expectedRevision: rollout.revision,
    ...(flags.reason !== undefined && { reason: flags.reason }),
    ...(version !== undefined && { version }),
  });
  emit(io, ctx.json, acted, () => actedText(action, acted, promoted));
}

/** The candidate a promote gives everyone: `--version`, or the only one. */
function promotedVersion(r: Rollout, version: number | undefined): number {
  if (version !== undefined) return version;
  if (r.candidates.length === 1) return r.candidates[0] as number;
  throw new UsageError(
    `rollout #${r.id} has several candidates (${r.candidates.map((v) => `v${v}`).join(", ")}): name the one to promote with --version`,
  );
}

/** Promote and abort end the rollout for everyone: on a terminal, ask first. */
async function confirm(io: Io, yes: boolean, r: Rollout, promoted: number | undefined) {
  if (yes) return;
  const action = promoted === undefined ? "abort" : "promote";
  const now = `(now ${weightsText(r)})`;
  const question =
    promoted === undefined
      ? `abort rollout #${r.id}: ${r.environment} serves ${r.name} v${r.control} to everyone again ${now}?`
      : `promote rollout #${r.id}: ${r.environment} serves ${r.name} v${promoted} to everyone ${now}?`;
  if (!io.confirm) {
    throw new UsageError(
      `${action} ends rollout #${r.id} of ${r.name} on ${r.environment} for everyone: pass --yes to confirm (there is no terminal to ask on)`,
    );
  }
  if (!(await io.confirm(question))) {
    throw new ExplainedError(`not confirmed: rollout #${r.id} goes on unchanged`, [], EXIT.failure);
  }
}

/**
 * The rollout `--id` names (with its detail), or the one running (or paused) on `--env`; for
 * `status`, the environment's latest when none is running.
 */
async function findRollout(
  api: ApiClient,
  name: string,
  flags: TargetFlags,
  { orLatest }: { orLatest: boolean },
): Promise<Rollout | RolloutDetail> {
  if (flags.id !== undefined) {
    const detail = await api.rollouts.get(name, count("--id", flags.id));
    if (flags.env !== undefined && detail.environment !== flags.env) {
      throw new UsageError(
        `rollout #${detail.id} of ${name} is on ${detail.environment}, not ${flags.env}`,
      );
    }
    return detail;
  }
  if (flags.env === undefined) {
    throw new UsageError(
      "say which rollout: --env <environment> for the one it runs, or --id <rollout>",
    );
  }
  const environment = flags.env;
  const [active] = (await api.rollouts.list(name, { environment, active: "true", limit: 1 })).items;
  const found =
    active ??
    (orLatest ? (await api.rollouts.list(name, { environment, limit: 1 })).items[0] : undefined);
  if (!found) {
    throw new NotFoundError(
      orLatest
        ? `${name} has had no rollout on ${environment}`
        : `no rollout of ${name} is running or paused on ${environment} ('promptline rollout list ${name}' shows past ones)`,
    );
  }
  return found;
}

function count(option: string, value: string, max?: number): number {
  const n = Number(value);
  if (!/^[1-9]\d{0,14}$/.test(value) || (max !== undefined && n > max)) {
    const range = max === undefined ? "a whole number from 1" : `a whole number from 1 to ${max}`;
    throw new UsageError(`${option} '${value}': ${range}`);
  }
  return n;
}

function seconds(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${option} '${value}': seconds, from ${min} to ${max}`);
  }
  return n * 1000;
}
