import type {
  CanaryPlan,
  Guardrail,
  GuardrailCheck,
  RolloutAction,
  RolloutStatus,
  TargetingRuleBody,
  WeightedVersion,
} from "@promptline/core";
import type { Generated, Insertable, Selectable } from "kysely";

/** A rollout of a prompt on an environment: the label's versions, shares and guardrails. */
export interface RolloutTable {
  id: Generated<number>;
  projectId: string;
  promptId: string;
  promptName: string;
  environment: string;
  strategy: "split" | "canary";
  status: RolloutStatus;
  control: number;
  /** JSON. */
  candidates: number[];
  unit: string;
  salt: string;
  /** JSON: the current split, candidates first, control last. */
  split: WeightedVersion[];
  /** JSON. */
  rules: TargetingRuleBody[];
  /** JSON: the canary's plan and where it is; null for a split. */
  canary: { steps: CanaryPlan; step: number; stepStartedAt: string } | null;
  /** JSON. */
  guardrails: Guardrail[];
  onBreach: "rollback" | "pause";
  minSamples: number;
  /** Counts changes; a write names the revision it saw, so none is applied to a changed one. */
  revision: number;
  reason: string | null;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
  /** `promptId/environment` while running or paused, null once ended: one active per label. */
  activeKey: string | null;
}

export interface RolloutDecisionTable {
  id: Generated<number>;
  rolloutId: number;
  action: RolloutAction;
  automatic: boolean;
  actor: string;
  reason: string;
  fromStep: number | null;
  toStep: number | null;
  /** JSON: the guardrails' figures the decision was taken on. */
  checks: GuardrailCheck[];
  createdAt: string;
}

export interface RolloutCheckTable {
  id: Generated<number>;
  rolloutId: number;
  /** JSON. */
  checks: GuardrailCheck[];
  createdAt: string;
}

/** A named lease: the instance that holds it until it expires does that one job. */
export interface LeaseTable {
  name: string;
  owner: string;
  expiresAt: string;
}

export type RolloutRow = Selectable<RolloutTable>;
export type NewRollout = Insertable<RolloutTable>;
export type RolloutDecisionRow = Selectable<RolloutDecisionTable>;
export type RolloutCheckRow = Selectable<RolloutCheckTable>;
