/**
 * The new-evaluation form's model, apart from its fields so it can be tested without a browser:
 * what is picked, turned into the request the API takes and checked with core's schema for it
 * (createEvalRunBodySchema), each problem said beside the field it is about.
 */
import { type CreateEvalRunBody, createEvalRunBodySchema } from "@promptline/core";
import { sentence } from "../fieldErrors.js";
import { checkScorers, emptyScorer, type ScorerDraft, type ScorerErrors } from "./scorerForm.js";

export interface ModelDraft {
  key: string;
  provider: string;
  model: string;
}

export interface RunDraft {
  prompt: string;
  /** Published versions to evaluate, as their numbers ("3"). */
  versions: string[];
  /** Labels to evaluate: what each serves when the run starts. */
  labels: string[];
  draft: boolean;
  dataset: string;
  /** Empty for the newest revision. */
  revision: string;
  baseline: "environment" | "version" | "none";
  baselineVersion: string;
  environment: string;
  models: ModelDraft[];
  scorers: ScorerDraft[];
  concurrency: number | string;
}

export function emptyRun(prompt = ""): RunDraft {
  return {
    prompt,
    versions: [],
    labels: [],
    draft: false,
    dataset: "",
    revision: "",
    baseline: "environment",
    baselineVersion: "",
    environment: "production",
    models: [],
    scorers: [emptyScorer("equals")],
    concurrency: 4,
  };
}

/** The fields a problem can be said beside. */
export type RunField =
  | "prompt"
  | "candidates"
  | "dataset"
  | "revision"
  | "baseline"
  | "environment"
  | "models"
  | "concurrency";

export interface RunCheck {
  body: CreateEvalRunBody | undefined;
  errors: Partial<Record<RunField, string>>;
  scorerErrors: ScorerErrors[];
  /** A problem with the scorers as a whole. */
  scorerList: string | undefined;
}

const numberOf = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** The request body the form describes, before any check. */
export function bodyOf(draft: RunDraft, scorers: unknown[]): Record<string, unknown> {
  const candidates = [
    ...draft.versions.map((v) => ({ version: Number(v) })),
    ...draft.labels.map((label) => ({ label })),
    ...(draft.draft ? [{ draft: true as const }] : []),
  ];
  const models = draft.models
    .map((m) => ({
      ...(m.provider.trim() && { provider: m.provider.trim() }),
      ...(m.model.trim() && { model: m.model.trim() }),
    }))
    .filter((m) => Object.keys(m).length > 0);
  const baseline =
    draft.baseline === "none"
      ? null
      : draft.baseline === "version"
        ? { version: numberOf(draft.baselineVersion) }
        : { environment: draft.environment.trim() };
  const revision = numberOf(draft.revision);
  return {
    prompt: draft.prompt.trim(),
    dataset: draft.dataset.trim(),
    ...(revision !== undefined && { revision }),
    candidates,
    baseline,
    ...(models.length > 0 && { models }),
    scorers,
    ...(draft.environment.trim() && { environment: draft.environment.trim() }),
    concurrency:
      typeof draft.concurrency === "number" ? draft.concurrency : Number(draft.concurrency),
  };
}

/** Plainer words for what the schema says about a missing or empty field. */
const MISSING: Partial<Record<RunField, string>> = {
  prompt: "Pick the prompt to evaluate.",
  dataset: "Pick the dataset to run on.",
  candidates: "Pick at least one candidate: a version, a label or the draft.",
  baseline: "Pick the version to compare with.",
};

/**
 * The body to send when everything is right; else each problem beside its field, in the
 * schema's words (or plainer ones for a field left empty). The scorers are checked by
 * checkScorers, beside their own fields.
 */
export function checkRun(draft: RunDraft): RunCheck {
  const scorers = checkScorers(draft.scorers);
  const body = bodyOf(draft, scorers.specs ?? []);
  const parsed = createEvalRunBodySchema.safeParse(body);
  const errors: Partial<Record<RunField, string>> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as RunField | "scorers" | undefined;
      if (field === undefined || field === "scorers") continue;
      const empty =
        body[field] === "" ||
        issue.code === "too_small" ||
        issue.code === "invalid_type" ||
        issue.code === "invalid_union";
      const message = empty && MISSING[field] ? MISSING[field] : sentence(issue.message);
      errors[field] ??= message;
    }
  }
  return {
    body:
      parsed.success && scorers.specs && Object.keys(errors).length === 0 ? parsed.data : undefined,
    errors,
    scorerErrors: scorers.errors,
    scorerList: scorers.list,
  };
}
