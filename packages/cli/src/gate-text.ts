/** How the CLI words gates: a policy, a verdict's unmet requirements, a refused deploy. */
import { ApiError } from "@promptline/client";
import type { GatePolicy, GateRun, UnmetRequirement } from "@promptline/core";
import { ExplainedError, exitCodeFor } from "./errors.js";

const LEVELS = ["patch", "minor", "major"] as const;

/** One line per bump level: what a version must show. */
export function policyLines(policy: GatePolicy): string[] {
  return LEVELS.map((level) => {
    const rule = policy[level];
    if (!rule) return `${level}: no rule (passes freely)`;
    const parts = rule.requirements.map(
      (r) => `${r.dataset} · ${r.scorer}${r.minMean === undefined ? "" : ` ≥ ${r.minMean}`}`,
    );
    if (rule.noRegression) parts.push("no significant regression against what is served");
    if (rule.maxLatencyMs !== undefined) parts.push(`mean latency ≤ ${rule.maxLatencyMs} ms`);
    if (rule.maxCostUsd !== undefined) parts.push(`mean cost ≤ $${rule.maxCostUsd} per call`);
    return `${level}: ${parts.length > 0 ? parts.join("; ") : "nothing required"}`;
  });
}

/** Each unmet requirement on its line, then the runs the verdict rests on. */
export function unmetLines(
  unmet: UnmetRequirement[],
  runs: Pick<GateRun, "id" | "url">[],
): string[] {
  return [...unmet.map((u) => `  ✗ ${u.message}`), ...runs.map((r) => `  run ${r.id}: ${r.url}`)];
}

interface GateDetails {
  gate: { unmet: UnmetRequirement[]; runs: Pick<GateRun, "id" | "url">[] };
}

function isGateRefusal(details: unknown): details is GateDetails {
  const gate = (details as Partial<GateDetails> | undefined)?.gate;
  return Array.isArray(gate?.unmet) && Array.isArray(gate?.runs);
}

const DEPLOY_OVERRIDE =
  "an admin may deploy anyway with --override-reason '<why>' (recorded in the history)";

/**
 * A deploy (or a rollout's start) a gate refused, with its reasons under the message and how an
 * admin overrides it; other errors as they are.
 */
export function explainRefusal(error: unknown, overrideHint = DEPLOY_OVERRIDE): unknown {
  if (!(error instanceof ApiError) || !isGateRefusal(error.details)) return error;
  const { unmet, runs } = error.details.gate;
  const hint = error.status === 409 ? [overrideHint] : [];
  return new ExplainedError(
    `${error.message} (${error.status} ${error.code})`,
    [...unmetLines(unmet, runs), ...hint],
    exitCodeFor(error),
  );
}
