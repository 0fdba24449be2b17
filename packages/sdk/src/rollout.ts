import type { DeliveredRollout, RolloutVariant } from "@promptline/core";
import { type AssignmentContext, assign, type RolloutDefinition } from "@promptline/core/rollout";
import { Prompt } from "./prompt.js";

/** A prompt as `getPrompt` hands it out: made once, with its settled promise. */
export interface Served {
  prompt: Prompt;
  answer: Promise<Prompt>;
}

export function served(prompt: Prompt): Served {
  return { prompt, answer: Promise.resolve(prompt) };
}

const isVersion = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

function isSplit(variants: unknown): boolean {
  return (
    Array.isArray(variants) &&
    variants.length > 0 &&
    variants.every((v) => isVersion(v?.version) && Number.isFinite(v?.weight))
  );
}

/**
 * Whether a definition can be assigned from: the server's always can; one read back from a
 * damaged or hand-edited snapshot file may not, and is then ignored (the control is served).
 */
export function isAssignable(rollout: unknown): rollout is DeliveredRollout {
  const r = rollout as Partial<DeliveredRollout> | null | undefined;
  return (
    typeof r?.salt === "string" &&
    typeof r.unit === "string" &&
    isVersion(r.control) &&
    isSplit(r.split) &&
    Array.isArray(r.rules) &&
    r.rules.every((rule) => Array.isArray(rule?.conditions) && isSplit(rule.variants))
  );
}

/** The versions a rollout may serve besides its control: what a client fetches ahead. */
export function candidateVersions(rollout: DeliveredRollout): number[] {
  const versions = new Set<number>();
  for (const variants of [rollout.split, ...rollout.rules.map((r) => r.variants)]) {
    for (const { version } of variants) if (version !== rollout.control) versions.add(version);
  }
  return [...versions];
}

/**
 * A label's prompt while a rollout runs on it, and how to pick the version for a caller: the
 * assignment is core's (the server's and the gateway's too), from the definition delivered with
 * the prompt, so no request is made per call. A candidate whose content has not arrived yet is
 * served as the control; a caller without a unit gets the plain prompt (no variant: not in the
 * experiment).
 */
export class RolloutArms {
  private readonly definition: RolloutDefinition<number>;
  private readonly control: Served;
  private readonly candidates = new Map<number, { from: Served; arm: Served }>();

  constructor(
    rollout: DeliveredRollout,
    private readonly plain: Served,
    /** The client's cached prompts of this name by version (and label): where candidates land. */
    private readonly cached: ReadonlyMap<string | number, Served>,
  ) {
    const byVersion = (variants: DeliveredRollout["split"]) =>
      variants.map((v) => ({ value: v.version, weight: v.weight }));
    this.definition = {
      salt: rollout.salt,
      unit: rollout.unit,
      control: plain.prompt.version,
      rules: rollout.rules.map((r) => ({
        conditions: r.conditions,
        variants: byVersion(r.variants),
      })),
      split: byVersion(rollout.split),
    };
    this.control = served(armOf(plain.prompt, plain.prompt.label, "control"));
  }

  /** What this caller is served. */
  pick(context: AssignmentContext): Served {
    const { value, by } = assign(this.definition, context);
    if (by === "no-unit") return this.plain;
    if (value === this.definition.control) return this.control;
    return this.candidate(value) ?? this.control;
  }

  private candidate(version: number): Served | undefined {
    const from = this.cached.get(version);
    if (from?.prompt.version !== version) return undefined;
    const known = this.candidates.get(version);
    if (known?.from === from) return known.arm;
    const arm = served(armOf(from.prompt, this.plain.prompt.label, "candidate"));
    this.candidates.set(version, { from, arm });
    return arm;
  }
}

/** A version as served through a label's rollout: under the label's name, with its variant. */
function armOf(prompt: Prompt, label: string | null, variant: RolloutVariant): Prompt {
  const { rollout: _definition, ...resolved } = prompt.resolved();
  return new Prompt({ ...resolved, label, variant }, prompt.source);
}
