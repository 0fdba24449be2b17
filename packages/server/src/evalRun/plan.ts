/**
 * Turning a run request into its variants, with every name checked before anything is written:
 * labels and the draft are pinned now (a version number, or a snapshot of the content), so the
 * run evaluates what was asked for even if a label moves or the draft changes while it runs.
 */
import {
  type CreateEvalRunBody,
  type EvalBaseline,
  type EvalCandidate,
  type EvalVariant,
  LATEST,
  NotFound,
  type PromptContent,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { currentLabel } from "../deployment/store.js";
import { findEnvironment } from "../environment/store.js";
import { checkDraft } from "../prompt/service.js";
import type { Database, PromptRow } from "../storage/database.js";
import { requireVersion } from "../version/service.js";

/** A candidate or the baseline, pinned: its variant fields and the content it will run. */
interface Pinned {
  label: string;
  version: number | null;
  content: PromptContent;
  /** Stored in the variant: only what is not a published version. */
  snapshot: PromptContent | undefined;
}

export async function requireEnvironment(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<void> {
  if (!(await findEnvironment(db, projectId, name))) {
    throw new NotFound(`no environment named '${name}' — list them with GET /api/v1/environments`);
  }
}

async function pinVersion(
  db: Kysely<Database>,
  prompt: PromptRow,
  version: number,
  label: string,
): Promise<Pinned> {
  const row = await requireVersion(db, prompt, version);
  return { label, version, content: row.content, snapshot: undefined };
}

async function pinLabel(db: Kysely<Database>, prompt: PromptRow, label: string): Promise<Pinned> {
  const version =
    label === LATEST
      ? (prompt.latestVersion ?? undefined)
      : await currentLabel(db, prompt.id, label);
  if (version === undefined) {
    throw new NotFound(`prompt '${prompt.name}' has no version labelled '${label}'`);
  }
  return pinVersion(db, prompt, version, label);
}

async function pinCandidate(
  db: Kysely<Database>,
  prompt: PromptRow,
  candidate: EvalCandidate,
): Promise<Pinned> {
  if ("version" in candidate) {
    return pinVersion(db, prompt, candidate.version, `v${candidate.version}`);
  }
  if ("draft" in candidate) {
    return { label: "draft", version: null, content: prompt.draft, snapshot: prompt.draft };
  }
  if ("content" in candidate) {
    checkDraft(prompt, candidate.content);
    const { content } = candidate;
    return { label: candidate.label ?? "content", version: null, content, snapshot: content };
  }
  return pinLabel(db, prompt, candidate.label);
}

/** The baseline asked for; by default what the environment serves now (none if nothing). */
async function pinBaseline(
  db: Kysely<Database>,
  projectId: string,
  prompt: PromptRow,
  baseline: EvalBaseline | null | undefined,
  environment: string,
): Promise<Pinned | undefined> {
  if (baseline === null) return undefined;
  if (baseline === undefined) {
    const served = await currentLabel(db, prompt.id, environment);
    return served === undefined ? undefined : pinVersion(db, prompt, served, environment);
  }
  if ("version" in baseline) {
    return pinVersion(db, prompt, baseline.version, `v${baseline.version}`);
  }
  if ("label" in baseline) return pinLabel(db, prompt, baseline.label);
  await requireEnvironment(db, projectId, baseline.environment);
  const served = await currentLabel(db, prompt.id, baseline.environment);
  if (served === undefined) {
    throw new NotFound(
      `environment '${baseline.environment}' serves no version of prompt '${prompt.name}': deploy one, or name the baseline's version`,
    );
  }
  return pinVersion(db, prompt, served, baseline.environment);
}

/** The variants: every candidate × model, then the baseline × each model. */
export async function planVariants(
  db: Kysely<Database>,
  projectId: string,
  prompt: PromptRow,
  body: Pick<CreateEvalRunBody, "candidates" | "baseline" | "models">,
  environment: string,
): Promise<Array<{ variant: EvalVariant; content: PromptContent }>> {
  const candidates: Pinned[] = [];
  for (const candidate of body.candidates)
    candidates.push(await pinCandidate(db, prompt, candidate));
  const baseline = await pinBaseline(db, projectId, prompt, body.baseline, environment);
  const models = body.models ?? [{}];
  const variantsOf = (pinned: Pinned, role: EvalVariant["role"]) =>
    models.map((model) => ({
      variant: {
        role,
        label: pinned.label,
        version: pinned.version,
        ...(pinned.snapshot && { content: pinned.snapshot }),
        provider: model.provider ?? null,
        model: model.model ?? null,
      },
      content: pinned.content,
    }));
  return [
    ...candidates.flatMap((c) => variantsOf(c, "candidate")),
    ...(baseline ? variantsOf(baseline, "baseline") : []),
  ];
}
