/**
 * The gate-policy form's model, apart from its fields so it can be tested without a browser: a
 * policy (per bump level: required dataset × scorer pairs with optional minimum means, no
 * regression, latency and cost limits) as typed text and back, checked with core's
 * gatePolicySchema so each problem is said beside its field.
 */
import { type GatePolicy, gatePolicySchema } from "@promptline/core";
import { sentence } from "../fieldErrors.js";

export const LEVELS = ["patch", "minor", "major"] as const;
export type Level = (typeof LEVELS)[number];

export interface RequirementDraft {
  key: string;
  dataset: string;
  scorer: string;
  /** Empty for "must have run", no minimum. */
  minMean: string;
  /** Comma-separated prompt names or folders (`support/`); empty for every prompt. */
  prompts: string;
}

export interface RuleDraft {
  /** Off: a deploy of this level passes freely. */
  enabled: boolean;
  requirements: RequirementDraft[];
  noRegression: boolean;
  maxLatencyMs: string;
  maxCostUsd: string;
}

export type PolicyDraft = Record<Level, RuleDraft>;

let made = 0;
export function emptyRequirement(
  dataset = "",
  scorer = "",
  minMean = "",
  prompts = "",
): RequirementDraft {
  made += 1;
  return { key: `requirement-${made}`, dataset, scorer, minMean, prompts };
}

const emptyRule = (): RuleDraft => ({
  enabled: false,
  requirements: [],
  noRegression: false,
  maxLatencyMs: "",
  maxCostUsd: "",
});

const text = (value: number | undefined) => (value === undefined ? "" : String(value));

/** The form for a policy as stored (or an empty one, every level off). */
export function draftOf(policy: GatePolicy | null | undefined): PolicyDraft {
  const draft = { patch: emptyRule(), minor: emptyRule(), major: emptyRule() };
  for (const level of LEVELS) {
    const rule = policy?.[level];
    if (!rule) continue;
    draft[level] = {
      enabled: true,
      requirements: (rule.requirements ?? []).map((r) =>
        emptyRequirement(r.dataset, r.scorer, text(r.minMean), (r.prompts ?? []).join(", ")),
      ),
      noRegression: rule.noRegression ?? false,
      maxLatencyMs: text(rule.maxLatencyMs),
      maxCostUsd: text(rule.maxCostUsd),
    };
  }
  return draft;
}

const numberOf = (value: string): number | string | undefined => {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
};

/** The policy the form describes, before any check: levels switched off are left out. */
export function policyOf(draft: PolicyDraft): Record<string, unknown> {
  const policy: Record<string, unknown> = {};
  for (const level of LEVELS) {
    const rule = draft[level];
    if (!rule.enabled) continue;
    const maxLatencyMs = numberOf(rule.maxLatencyMs);
    const maxCostUsd = numberOf(rule.maxCostUsd);
    policy[level] = {
      requirements: rule.requirements.map((r) => {
        const minMean = numberOf(r.minMean);
        const prompts = r.prompts
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p !== "");
        return {
          dataset: r.dataset.trim(),
          scorer: r.scorer.trim(),
          ...(minMean !== undefined && { minMean }),
          ...(prompts.length > 0 && { prompts }),
        };
      }),
      noRegression: rule.noRegression,
      ...(maxLatencyMs !== undefined && { maxLatencyMs }),
      ...(maxCostUsd !== undefined && { maxCostUsd }),
    };
  }
  return policy;
}

export interface RuleErrors {
  requirements: Array<Partial<Record<"dataset" | "scorer" | "minMean" | "prompts", string>>>;
  maxLatencyMs?: string;
  maxCostUsd?: string;
}

export interface PolicyCheck {
  policy: GatePolicy | undefined;
  errors: Record<Level, RuleErrors>;
}

/** Plainer words than the schema's for what people most often get wrong. */
function messageOf(issue: { code: string; message: string }, field: unknown): string {
  if (field === "minMean" && (issue.code === "too_big" || issue.code === "too_small")) {
    return "A minimum mean is between 0 and 1.";
  }
  if (issue.code === "invalid_type") return "Must be a number.";
  if (issue.code === "too_small") return "Must be more than 0.";
  return sentence(issue.message);
}

/** The policy to save when everything is right; else each problem beside its field. */
export function checkPolicy(draft: PolicyDraft): PolicyCheck {
  const errors = Object.fromEntries(
    LEVELS.map((level) => [level, { requirements: draft[level].requirements.map(() => ({})) }]),
  ) as unknown as Record<Level, RuleErrors>;
  const parsed = gatePolicySchema.safeParse(policyOf(draft));
  if (parsed.success) return { policy: parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const [level, field, index, inner] = issue.path;
    const target = errors[level as Level];
    if (!target) continue;
    if (field === "requirements" && typeof index === "number") {
      const row = target.requirements[index];
      const key = inner as "dataset" | "scorer" | "minMean" | "prompts";
      const typed = draft[level as Level].requirements[index]?.[key]?.trim();
      const missing = key === "dataset" ? "Pick the dataset." : "Name the scorer.";
      if (row && key)
        row[key] ??= typed === "" && key !== "minMean" ? missing : messageOf(issue, key);
    } else if (field === "maxLatencyMs" || field === "maxCostUsd") {
      target[field] ??= messageOf(issue, field);
    }
  }
  return { policy: undefined, errors };
}

/** A level's rule in one sentence, for reading a policy without its form. */
export function ruleInWords(rule: GatePolicy[Level]): string {
  if (!rule) return "passes freely";
  const parts = [
    ...rule.requirements.map(
      (r) =>
        `${r.scorer} run on ${r.dataset}${r.minMean === undefined ? "" : ` with a mean of at least ${r.minMean}`}${r.prompts ? ` (for ${r.prompts.join(", ")})` : ""}`,
    ),
    ...(rule.noRegression ? ["no significant regression against what is served"] : []),
    ...(rule.maxLatencyMs === undefined ? [] : [`mean latency at most ${rule.maxLatencyMs} ms`]),
    ...(rule.maxCostUsd === undefined ? [] : [`mean cost at most $${rule.maxCostUsd} per call`]),
  ];
  return parts.length === 0 ? "a rule with no requirements (passes)" : `needs ${parts.join("; ")}`;
}
