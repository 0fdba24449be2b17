/**
 * The gate on a deploy: run inside the deploy's transaction, under the prompt's lock, so the
 * verdict is about what the environment serves at the moment the label moves. A refusal is an
 * error carrying its gate.failed event, which is recorded in a transaction of its own once the
 * deploy's has rolled back (the refused deploy itself writes nothing).
 */
import {
  can,
  DomainError,
  Forbidden,
  type GateVerdict,
  type Principal,
  refusalMessage,
} from "@promptline/core";
import type { Kysely } from "kysely";
import type { ServiceContext } from "../context.js";
import { type EventInput, writeWithEvents } from "../event/write.js";
import type { Database, PromptRow, PromptVersionRow } from "../storage/database.js";
import { findGatePolicy } from "./store.js";
import { evidenceOfVersion, levelOfDeploy, verdictOf } from "./verdict.js";

/** A 409 whose details list every unmet requirement; not a Conflict, so nothing retries it. */
export class GateRefused extends DomainError {
  constructor(
    message: string,
    details: unknown,
    /** The gate.failed event, recorded after the deploy's transaction has rolled back. */
    readonly event: EventInput,
  ) {
    super("conflict", message, details);
  }
}

/** Records a refusal's gate.failed event, in its own transaction; call outside any other. */
export async function recordGateRefusal(ctx: ServiceContext, refusal: GateRefused): Promise<void> {
  await writeWithEvents(ctx, (_trx, record) => record(refusal.event));
}

export interface DeployGateInput {
  principal: Principal;
  prompt: PromptRow;
  environment: string;
  target: PromptVersionRow;
  /** What the environment serves now. */
  from: number | undefined;
  override?: { reason: string } | undefined;
}

/** What the deploy records: the override reason, and the gate's event (none without a rule). */
export interface DeployGateOutcome {
  gateOverride: string | null;
  event: EventInput | null;
}

function details(verdict: GateVerdict) {
  const { environment, version, level, unmet, runs } = verdict;
  return {
    gate: { environment, version, level, unmet, runs: runs.map(({ id, url }) => ({ id, url })) },
  };
}

/**
 * Checks the environment's gate on deploying `target`. Passes without a policy, without a rule
 * for the bump level, or when the environment serves the version already. A failing gate throws
 * GateRefused, unless an admin overrides it with a reason; an override of a passing gate is
 * ignored (there is nothing to override).
 */
export async function checkDeployGate(
  db: Kysely<Database>,
  input: DeployGateInput,
): Promise<DeployGateOutcome> {
  const none = { gateOverride: null, event: null };
  const { principal, prompt, environment, target } = input;
  if (input.from === target.version) return none;
  const policy = await findGatePolicy(db, prompt.projectId, environment);
  if (!policy) return none;
  const serves = input.from ?? null;
  const level = await levelOfDeploy(db, prompt.id, target.semver, serves);
  if (!policy.policy[level]) return none;
  const candidate = `v${target.version}`;
  const verdict = verdictOf({
    prompt: prompt.name,
    environment,
    version: target.version,
    candidate,
    serves,
    level,
    policy: policy.policy,
    evidence: await evidenceOfVersion(db, prompt, target.version),
  });
  const payload = {
    environment,
    version: target.version,
    level,
    unmet: verdict.unmet,
    runs: verdict.runs.map((r) => r.id),
  };
  const event = (type: EventInput["type"], extra: Record<string, unknown> = {}): EventInput => ({
    projectId: prompt.projectId,
    type,
    subject: prompt.name,
    payload: { ...payload, ...extra },
    actor: principal.actor,
  });
  if (verdict.passed) return { gateOverride: null, event: event("gate.passed") };
  const message = refusalMessage(environment, candidate, { ...verdict, passed: false });
  if (!input.override) throw new GateRefused(message, details(verdict), event("gate.failed"));
  if (!can(principal, "gate:override")) {
    throw new Forbidden(`${message}; overriding a gate needs the admin role`, details(verdict));
  }
  const reason = input.override.reason;
  return { gateOverride: reason, event: event("gate.overridden", { reason }) };
}
