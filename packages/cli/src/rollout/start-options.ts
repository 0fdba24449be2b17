/**
 * The flags of `promptline rollout start`, checked and turned into the API's start body before
 * anything is sent: a mistake is a usage error (exit 2) naming the flag, never a half-started
 * rollout.
 */
import {
  BUCKETS,
  ON_BREACH,
  parseCanary,
  parseGuard,
  type startRolloutBodySchema,
} from "@promptline/core";
import type { z } from "zod";
import { parseVersion } from "../context.js";
import { UsageError } from "../errors.js";
import { readRulesFile } from "./rules-file.js";

export type StartBody = z.input<typeof startRolloutBodySchema>;

/** The raw options as commander hands them over. */
export interface StartFlags {
  env: string;
  candidate?: string[];
  canary?: string;
  hold?: string;
  split?: string;
  guard?: string[];
  onBreach?: string;
  unit?: string;
  minSamples?: string;
  rules?: string;
  reason?: string;
  overrideGate?: string;
}

export function startBodyFromFlags(flags: StartFlags): StartBody {
  const versions = (flags.candidate ?? []).map(parseVersion);
  if (versions.length === 0) {
    throw new UsageError("name the version to try with --candidate <version> (e.g. --candidate 8)");
  }
  if (new Set(versions).size !== versions.length) {
    throw new UsageError("each --candidate names a different version");
  }
  const body: StartBody = {
    environment: flags.env,
    ...strategyOf(flags, versions),
    guardrails: (flags.guard ?? []).map(guardOf),
  };
  if (flags.onBreach !== undefined) body.onBreach = onBreachOf(flags.onBreach);
  if (flags.unit !== undefined) body.unit = flags.unit;
  if (flags.minSamples !== undefined) body.minSamples = minSamplesOf(flags.minSamples);
  if (flags.rules !== undefined) body.rules = readRulesFile(flags.rules);
  if (flags.reason !== undefined) body.reason = flags.reason;
  if (flags.overrideGate !== undefined) body.override = { reason: flags.overrideGate };
  return body;
}

/** A canary (`--canary` with `--hold`) or a split (`--split`), exactly one. */
function strategyOf(
  flags: StartFlags,
  versions: number[],
): Pick<StartBody, "strategy" | "candidates" | "canary"> {
  if (flags.canary !== undefined && flags.split !== undefined) {
    throw new UsageError("give either --canary (steps) or --split (fixed weights), not both");
  }
  if (flags.canary !== undefined) {
    if (versions.length > 1) {
      throw new UsageError(
        "a canary tries one --candidate; to compare several, split traffic with --split",
      );
    }
    if (flags.hold === undefined) {
      throw new UsageError(
        "--canary needs --hold: how long each step is watched before it widens (e.g. --hold 30m)",
      );
    }
    const plan = parseCanary(flags.canary, flags.hold);
    if (typeof plan === "string") throw new UsageError(plan);
    return {
      strategy: "canary",
      candidates: versions.map((version) => ({ version })),
      canary: plan,
    };
  }
  if (flags.hold !== undefined) throw new UsageError("--hold is for a --canary's steps");
  if (flags.split === undefined) {
    throw new UsageError(
      "say how traffic is shared: --canary 5,25,50,100 --hold 30m (steps), or --split 50 (a fixed share)",
    );
  }
  return { strategy: "split", candidates: splitOf(flags.split, versions) };
}

/** `--split 30,30`: each --candidate's share in percent, in the same order; control keeps the rest. */
function splitOf(split: string, versions: number[]): Array<{ version: number; weight: number }> {
  const percents = split.split(",").map((s) => s.trim());
  if (percents.some((p) => !/^\d{1,3}(\.\d{1,2})?$/.test(p))) {
    throw new UsageError(
      `--split '${split}' is not a list of percentages: write one per --candidate, e.g. --split 50 or --split 30,30`,
    );
  }
  if (percents.length !== versions.length) {
    throw new UsageError(
      `--split '${split}' gives ${percents.length} share${percents.length === 1 ? "" : "s"} for ${versions.length} --candidate: give one per candidate, in the same order`,
    );
  }
  const weights = percents.map((p) => Math.round(Number(p) * 100));
  if (weights.some((w) => w <= 0))
    throw new UsageError(`--split '${split}': each share is above 0`);
  if (weights.reduce((a, b) => a + b, 0) > BUCKETS) {
    throw new UsageError(
      `--split '${split}' adds up to more than 100 %: the control keeps what the candidates do not take`,
    );
  }
  return versions.map((version, i) => ({ version, weight: weights[i] as number }));
}

function guardOf(expression: string) {
  const guard = parseGuard(expression);
  if (typeof guard === "string") throw new UsageError(`--guard ${guard}`);
  return guard;
}

function onBreachOf(value: string): (typeof ON_BREACH)[number] {
  const choice = ON_BREACH.find((c) => c === value);
  if (!choice) {
    throw new UsageError(
      `--on-breach '${value}': write rollback (back to control) or pause (hold for a person)`,
    );
  }
  return choice;
}

function minSamplesOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 10 || n > 1_000_000) {
    throw new UsageError(
      `--min-samples '${value}': the calls each arm needs before a verdict, a whole number from 10 to 1000000`,
    );
  }
  return n;
}
