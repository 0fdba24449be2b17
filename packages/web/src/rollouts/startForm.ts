/**
 * The start-a-rollout form's model, apart from its fields so it can be tested without a browser:
 * a canary (one candidate, steps of percentages held for minutes) or a split (candidates with
 * shares, the control getting the rest), targeting rules, guardrails, what a breach does, the
 * minimum sample and the reason — typed text turned into the API's body and checked with core's
 * startRolloutBodySchema, so each problem (the browser's or the server's) is said beside its field.
 */
import { ApiError } from "@promptline/client";
import { type StartRolloutBody, startRolloutBodySchema } from "@promptline/core";
import { sentence } from "../fieldErrors.js";
import { defaultGuardrails, type GuardrailDraft, guardrailOf } from "./guardrailForm.js";
import { basisPointsOf, numberOf, rowKey } from "./percent.js";
import { type RuleDraft, ruleOf, valueKey } from "./targetingForm.js";

export interface StepDraft {
  key: string;
  percent: string;
  /** Minutes the step is held before it may widen. */
  hold: string;
}

export interface CandidateDraft {
  key: string;
  /** A version number, as text ("" until picked). */
  version: string;
  /** Its share in percent (a split's; a canary takes its shares from the steps). */
  percent: string;
}

export interface RolloutDraft {
  strategy: "canary" | "split";
  /** A canary uses the first alone. */
  candidates: CandidateDraft[];
  steps: StepDraft[];
  rules: RuleDraft[];
  unit: string;
  guardrails: GuardrailDraft[];
  onBreach: "rollback" | "pause";
  minSamples: string;
  reason: string;
}

export const emptyStep = (percent = "", hold = "30"): StepDraft => ({
  key: rowKey("step"),
  percent,
  hold,
});

export const emptyCandidate = (version = "", percent = ""): CandidateDraft => ({
  key: rowKey("candidate"),
  version,
  percent,
});

/** The canary most teams start with: 5, 25, 50 and 100 %, each step held 30 minutes. */
export const defaultSteps = () => [
  emptyStep("5"),
  emptyStep("25"),
  emptyStep("50"),
  emptyStep("100", "0"),
];

/** A new form: a canary of `candidate` (the newest version not served) with the usual guardrails. */
export function newDraft(candidate: number | undefined): RolloutDraft {
  return {
    strategy: "canary",
    candidates: [emptyCandidate(candidate === undefined ? "" : String(candidate), "50")],
    steps: defaultSteps(),
    rules: [],
    unit: "userId",
    guardrails: defaultGuardrails(),
    onBreach: "rollback",
    minSamples: "100",
    reason: "",
  };
}

/** The candidates the form names, as numbers, in order (a canary's one). */
export function candidateVersions(draft: RolloutDraft): number[] {
  const used = draft.strategy === "canary" ? draft.candidates.slice(0, 1) : draft.candidates;
  return used.map((c) => Number(c.version)).filter((v) => Number.isInteger(v) && v > 0);
}

/** The split's share left to the control, in basis points (negative when over-given). */
export function controlShare(draft: RolloutDraft): number {
  let given = 0;
  for (const c of draft.candidates) {
    const weight = basisPointsOf(c.percent);
    if (typeof weight === "number") given += weight;
  }
  return 10_000 - given;
}

/** A hold as typed: minutes, or the text (so the schema says it is not a number). */
const minutesOf = (hold: string) => numberOf(hold) ?? hold;

/**
 * The body the form describes, before the schema's check, and the problems found on the way
 * (a percentage that is not one), keyed as the schema's issues are (`canary.2.weight`).
 */
export function bodyOf(
  draft: RolloutDraft,
  environment: string,
  control: number,
  override?: string,
): { body: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const share = (percent: string, key: string) => {
    const weight = basisPointsOf(percent);
    if (typeof weight === "number") return weight;
    errors[key] = weight.error;
    return undefined;
  };
  const canary = draft.strategy === "canary";
  const candidates = (canary ? draft.candidates.slice(0, 1) : draft.candidates).map((c, i) => ({
    version: numberOf(c.version) ?? "",
    ...(!canary && { weight: share(c.percent, `candidates.${i}.weight`) }),
  }));
  if (!canary && controlShare(draft) < 0) {
    errors.candidates =
      "The candidates' shares add up to more than 100 %: the control gets the rest.";
  }
  const versions = { candidates: candidateVersions(draft), control };
  const rules = draft.rules.map((r, i) => {
    const made = ruleOf(r, versions);
    for (const [key, message] of Object.entries(made.errors)) errors[`rules.${i}.${key}`] = message;
    return made.rule;
  });
  const minSamples = numberOf(draft.minSamples);
  const body = {
    environment,
    strategy: draft.strategy,
    candidates,
    ...(canary && {
      canary: draft.steps.map((s, i) => ({
        weight: share(s.percent, `canary.${i}.weight`),
        holdMinutes: minutesOf(s.hold),
      })),
    }),
    rules,
    unit: draft.unit.trim(),
    guardrails: draft.guardrails.map(guardrailOf),
    onBreach: draft.onBreach,
    ...(minSamples !== undefined && { minSamples }),
    ...(draft.reason.trim() && { reason: draft.reason.trim() }),
    ...(override !== undefined && { override: { reason: override } }),
  };
  return { body, errors };
}

/** Plainer words than the schema's for what people most often get wrong. */
function messageOf(issue: { code: string; message: string; path: PropertyKey[] }): string {
  const last = issue.path.at(-1);
  if (issue.message.includes("10000 basis points")) {
    return "The last step gives the candidate everyone: 100 %.";
  }
  if (issue.message.includes("10000 (100 %)")) return "The shares add up to 100 %.";
  if (last === "version" && (issue.code === "invalid_type" || issue.code === "too_small")) {
    return "Pick a version.";
  }
  if (last === "holdMinutes") return "Give the hold in whole minutes: 0 (none) to 10080 (a week).";
  if (issue.code === "invalid_type") return "Must be a number.";
  if (last === "minSamples") return "Between 10 and 1,000,000 observations per arm.";
  if (last === "tolerance") return "A tolerance is 0 or more.";
  if (last === "metric") {
    return "Name the scorer: letters, digits, '.', '_', ':' or '-', starting with a letter or digit.";
  }
  if (last === "values") return "Give at least one value; separate values with commas.";
  if (last === "pattern") return "Give a pattern (RE2 syntax).";
  if (last === "percent") return "A percentage is between 0 and 100.";
  if (last === "attribute" && issue.code === "too_small") return "Name the attribute.";
  if (issue.path[0] === "candidates" && issue.code === "too_small") return "Pick a candidate.";
  return sentence(issue.message);
}

export interface DraftCheck {
  body: StartRolloutBody | undefined;
  /** Field key (`canary.2.weight`, `rules.0.conditions.1.value`) → what is wrong with it. */
  errors: Record<string, string>;
}

/** The body to send when everything is right; else each problem by the field it is about. */
export function checkDraft(
  draft: RolloutDraft,
  environment: string,
  control: number,
  {
    protectedEnvironment = false,
    override,
  }: { protectedEnvironment?: boolean; override?: string } = {},
): DraftCheck {
  const { body, errors } = bodyOf(draft, environment, control, override);
  if (protectedEnvironment && !draft.reason.trim()) {
    errors.reason = `${environment} is protected: say why this rollout starts.`;
  }
  if (candidateVersions(draft).includes(control)) {
    errors["candidates.0.version"] =
      `v${control} is the control (what ${environment} serves): pick another version.`;
  }
  const parsed = startRolloutBodySchema.safeParse(body);
  if (parsed.success && Object.keys(errors).length === 0) return { body: parsed.data, errors };
  for (const issue of parsed.error?.issues ?? []) {
    const key = issue.path.map(String).join(".");
    errors[key] ??= messageOf(issue);
  }
  return { body: undefined, errors };
}

/**
 * Where the server's own refusals (not the schema's, which name their field) belong, by the
 * words it uses: "rule 2, condition 1's pattern …", "rule 1 serves v9, which …".
 */
const SAID_ABOUT: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [
    /^rule (\d+), condition (\d+)'s pattern/,
    (m) => `rules.${Number(m[1]) - 1}.conditions.${Number(m[2]) - 1}.pattern`,
  ],
  [/^rule (\d+) serves/, (m) => `rules.${Number(m[1]) - 1}.variants`],
  [/the control\): a candidate must be another version/, () => "candidates.0.version"],
  [/^each candidate version may be named once|^the candidates' weights add up/, () => "candidates"],
];

/** A refused start's problems by field (the server names them `body.canary.2.weight`), the rest apart. */
export function serverErrors(error: unknown): {
  fields: Record<string, string>;
  general: string[];
} {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  const issues =
    error instanceof ApiError &&
    typeof error.details === "object" &&
    error.details !== null &&
    Array.isArray((error.details as { issues?: unknown }).issues)
      ? (error.details as { issues: Array<{ path?: unknown; message?: unknown }> }).issues
      : [];
  for (const issue of issues) {
    const message = sentence(String(issue.message ?? ""));
    const path = typeof issue.path === "string" ? issue.path.split(".") : [];
    if (path[0] === "body" && path.length > 1) fields[path.slice(1).join(".")] ??= message;
    else general.push(message);
  }
  if (issues.length === 0 && error instanceof Error) {
    const said = SAID_ABOUT.map(([pattern, key]) => {
      const match = pattern.exec(error.message);
      return match ? key(match) : undefined;
    }).find((key) => key !== undefined);
    if (said) fields[said] = sentence(error.message);
    else general.push(sentence(error.message));
  }
  return { fields, general };
}

/** Every key a field of the form shows errors for, as the form is now. */
export function fieldKeys(draft: RolloutDraft): Set<string> {
  const keys = [
    "strategy",
    "candidates",
    "canary",
    "rules",
    "unit",
    "guardrails",
    "onBreach",
    "minSamples",
    "reason",
  ];
  draft.candidates.forEach((_, i) => {
    keys.push(`candidates.${i}.version`, `candidates.${i}.weight`);
  });
  const versions = candidateVersions(draft);
  draft.steps.forEach((_, i) => {
    keys.push(`canary.${i}.weight`, `canary.${i}.holdMinutes`);
  });
  draft.rules.forEach((rule, i) => {
    keys.push(
      `rules.${i}`,
      `rules.${i}.description`,
      `rules.${i}.conditions`,
      `rules.${i}.variants`,
    );
    for (const version of versions) keys.push(`rules.${i}.weights.${version}`);
    rule.conditions.forEach((c, j) => {
      const at = `rules.${i}.conditions.${j}`;
      keys.push(`${at}.attribute`, `${at}.op`, `${at}.${valueKey(c.op)}`);
    });
  });
  draft.guardrails.forEach((_, i) => {
    keys.push(`guardrails.${i}.metric`, `guardrails.${i}.worseWhen`, `guardrails.${i}.tolerance`);
  });
  return new Set(keys);
}

/**
 * Each problem placed on the nearest field the form shows (`rules.0.conditions.1.values.3` on
 * the condition's value field); what no field is about, apart, to be said by the submit button.
 */
export function placeErrors(
  errors: Record<string, string>,
  keys: Set<string>,
): { fields: Record<string, string>; unplaced: string[] } {
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const [key, message] of Object.entries(errors)) {
    const parts = key.split(".");
    let placed = false;
    for (let n = parts.length; n > 0 && !placed; n--) {
      const candidate = parts.slice(0, n).join(".");
      if (keys.has(candidate)) {
        fields[candidate] ??= message;
        placed = true;
      }
    }
    if (!placed) unplaced.push(message);
  }
  return { fields, unplaced };
}
