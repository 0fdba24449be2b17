/**
 * The scorer builder's model, apart from its fields so it can be tested without a browser: what a
 * person fills in for each scorer (all as typed text), turned into the ScorerSpec the API takes,
 * checked with core's own schema (scorerListSchema) so the errors are the server's, said beside
 * the field they are about.
 */
import {
  deterministicScorerSpecSchema,
  judgeScorerSpecSchema,
  type ScorerSpec,
  scorerListSchema,
} from "@promptline/core";
import { sentence } from "../fieldErrors.js";

export const SCORER_TYPES = [
  "equals",
  "contains",
  "not-contains",
  "regex",
  "json-valid",
  "json-schema",
  "length",
  "constraints",
  "latency",
  "cost",
  "similarity",
  "judge",
] as const;
export type ScorerType = (typeof SCORER_TYPES)[number];

/** What each scorer checks, as the type picker says it. */
export const SCORER_HELP: Record<ScorerType, string> = {
  equals: "The output is exactly the case's expected value (or the text given here).",
  contains: "The output contains any (or all) of the texts.",
  "not-contains": "The output contains none of the texts (or not all of them together).",
  regex: "The output matches a regular expression.",
  "json-valid": "The output is valid JSON.",
  "json-schema": "The output is JSON meeting a JSON Schema (the version's own by default).",
  length: "The output's length in characters is within bounds.",
  constraints: "The output meets the version's own maxLength and pattern constraints.",
  latency: "The call took at most this many milliseconds.",
  cost: "The call cost at most this many US dollars.",
  similarity: "How close the output is to the expected value (or the text given), from 0 to 1.",
  judge: "A judge prompt from the registry scores the output from 0 to 1 with its reasoning.",
};

/** One scorer as the form holds it: every field as typed, those of other types kept if switched. */
export interface ScorerDraft {
  /** Stable across edits, for React's list keys. */
  key: string;
  type: ScorerType;
  name: string;
  /** equals, similarity: the text to compare with; empty for the case's expected value. */
  value: string;
  /** contains, not-contains: one text per line. */
  values: string;
  mode: "any" | "all";
  ignoreCase: boolean;
  pattern: string;
  flags: string;
  /** json-schema: the schema as JSON text; empty for the version's own. */
  schema: string;
  min: string;
  max: string;
  maxMs: string;
  maxUsd: string;
  /** judge: the judge prompt's name, and which of its versions (a label or a number). */
  prompt: string;
  judgeLabel: string;
  judgeVersion: string;
}

let made = 0;

/** A new, empty scorer of `type`. */
export function emptyScorer(type: ScorerType = "equals"): ScorerDraft {
  made += 1;
  return {
    key: `scorer-${made}`,
    type,
    name: "",
    value: "",
    values: "",
    mode: "any",
    ignoreCase: false,
    pattern: "",
    flags: "",
    schema: "",
    min: "",
    max: "",
    maxMs: "",
    maxUsd: "",
    prompt: "",
    judgeLabel: "",
    judgeVersion: "",
  };
}

/** The form field each field of a ScorerSpec is typed in. */
const FIELD_OF: Record<string, keyof ScorerDraft> = {
  name: "name",
  type: "type",
  value: "value",
  values: "values",
  mode: "mode",
  ignoreCase: "ignoreCase",
  pattern: "pattern",
  flags: "flags",
  schema: "schema",
  min: "min",
  max: "max",
  maxMs: "maxMs",
  maxUsd: "maxUsd",
  prompt: "prompt",
  label: "judgeLabel",
  version: "judgeVersion",
};

/** Errors by field of one scorer. */
export type ScorerErrors = Partial<Record<keyof ScorerDraft, string>>;

/** Typed text as a number, or the text itself for the schema to refuse ("abc" is not a number). */
function numberOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

const present = <T extends object>(entries: T) =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== ""));

/** The spec a draft describes, before any check; a field that cannot be read is in `errors`. */
export function specOf(draft: ScorerDraft): {
  spec: Record<string, unknown>;
  errors: ScorerErrors;
} {
  const errors: ScorerErrors = {};
  const common = { type: draft.type, name: draft.name.trim() || undefined };
  switch (draft.type) {
    case "equals":
      return {
        spec: present({
          ...common,
          value: draft.value || undefined,
          ignoreCase: draft.ignoreCase || undefined,
        }),
        errors,
      };
    case "similarity":
      return { spec: present({ ...common, value: draft.value || undefined }), errors };
    case "contains":
    case "not-contains":
      return {
        spec: present({
          ...common,
          values: draft.values
            .split("\n")
            .map((v) => v.trim())
            .filter(Boolean),
          mode: draft.mode,
          ignoreCase: draft.ignoreCase || undefined,
        }),
        errors,
      };
    case "regex":
      if (draft.pattern) {
        try {
          new RegExp(draft.pattern, draft.flags.replace(/[^imsu]/g, ""));
        } catch (error) {
          errors.pattern = sentence(`not a regular expression: ${(error as Error).message}`);
        }
      }
      return {
        spec: present({
          ...common,
          pattern: draft.pattern,
          flags: draft.flags.trim() || undefined,
        }),
        errors,
      };
    case "json-schema": {
      let schema: unknown;
      if (draft.schema.trim()) {
        try {
          schema = JSON.parse(draft.schema);
        } catch {
          errors.schema = "The schema is not JSON: check its quotes, commas and brackets.";
        }
      }
      return { spec: present({ ...common, schema }), errors };
    }
    case "length":
      if (!draft.min.trim() && !draft.max.trim()) {
        errors.max = "Give a minimum, a maximum or both.";
      }
      return {
        spec: present({ ...common, min: numberOf(draft.min), max: numberOf(draft.max) }),
        errors,
      };
    case "latency":
      return { spec: present({ ...common, maxMs: numberOf(draft.maxMs) }), errors };
    case "cost":
      return { spec: present({ ...common, maxUsd: numberOf(draft.maxUsd) }), errors };
    case "judge":
      return {
        spec: present({
          ...common,
          prompt: draft.prompt.trim(),
          label: draft.judgeLabel.trim() || undefined,
          version: numberOf(draft.judgeVersion),
        }),
        errors,
      };
    default:
      return { spec: common, errors };
  }
}

export interface ScorerCheck {
  /** The specs to send, when every scorer is right. */
  specs: ScorerSpec[] | undefined;
  /** Per scorer (same order), what is wrong with which field. */
  errors: ScorerErrors[];
  /** What is wrong with the list as a whole ("add a scorer"). */
  list: string | undefined;
}

/** The schema one draft is checked with: a judge's, or the deterministic scorers' union. */
const schemaOf = (type: ScorerType) =>
  type === "judge" ? judgeScorerSpecSchema : deterministicScorerSpecSchema;

interface Issue {
  code: string;
  message: string;
  path: PropertyKey[];
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  origin?: string;
}

/**
 * Every draft checked with core's schemas, the server's own rules: each scorer by the schema of
 * its type (so a problem names its field), then the list with scorerListSchema (at least one,
 * names unique). The specs when all pass; else each problem beside its scorer's field (one the
 * form has no input for goes beside the name, so it is still said).
 */
export function checkScorers(drafts: ScorerDraft[]): ScorerCheck {
  const read = drafts.map(specOf);
  const errors: ScorerErrors[] = read.map((r) => ({ ...r.errors }));
  const place = (index: number, issue: Issue, field: PropertyKey | undefined) => {
    const target = errors[index];
    if (!target) return;
    const key = (typeof field === "string" && FIELD_OF[field]) || "name";
    target[key] ??= sentence(messageOf(issue, field));
  };
  for (const [index, { spec }] of read.entries()) {
    const type = drafts[index]?.type ?? "equals";
    const parsed = schemaOf(type).safeParse(spec);
    if (!parsed.success)
      for (const issue of parsed.error.issues) place(index, issue, issue.path[0]);
  }
  let list: string | undefined;
  let specs: ScorerSpec[] | undefined;
  if (errors.every((e) => Object.keys(e).length === 0)) {
    const parsed = scorerListSchema.safeParse(read.map((r) => r.spec));
    if (parsed.success) specs = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const [index, field] = issue.path;
        if (typeof index === "number") place(index, issue, field);
        else
          list ??=
            drafts.length === 0
              ? "Add at least one scorer."
              : sentence(messageOf(issue, undefined));
      }
    }
  }
  return { specs, errors, list };
}

/** Zod's words where they are enough; plainer ones where they are not ("expected array"). */
function messageOf(issue: Issue, field: PropertyKey | undefined): string {
  if (issue.code === "invalid_type" && typeof field === "string") {
    const missing: Record<string, string> = {
      values: "give at least one text, one per line",
      pattern: "give a pattern",
      prompt: "pick the judge prompt",
      maxMs: "give the most milliseconds a call may take",
      maxUsd: "give the most a call may cost, in US dollars",
    };
    return missing[field] ?? "must be a number";
  }
  if (issue.code === "too_small" && issue.origin === "number") {
    return issue.inclusive === false
      ? `must be more than ${issue.minimum}`
      : `must be at least ${issue.minimum}`;
  }
  if (issue.code === "too_small" && issue.origin === "array") {
    return field === undefined ? "add at least one scorer" : "give at least one text, one per line";
  }
  if (issue.code === "too_small" && issue.origin === "string") return "must not be empty";
  if (issue.code === "too_big" && issue.origin === "number") {
    return `must be at most ${issue.maximum}`;
  }
  if (issue.code === "too_big" && issue.origin === "array" && field === undefined) {
    return `at most ${issue.maximum} scorers in one run`;
  }
  if (issue.code === "invalid_type" && issue.path.length === 0) return "must be a number";
  return issue.message;
}
