import {
  assertJsonDepth,
  bumpSemver,
  Conflict,
  contentHash,
  type DraftBump,
  diffContents,
  FIRST_SEMVER,
  LATEST,
  MAX_STORED_INT,
  NotFound,
  type Principal,
  type PromptContent,
  type PromptVersion,
  type PublishBody,
  type PublishResult,
  suggestBump,
  type VersionDiff,
} from "@promptline/core";
import type { Kysely } from "kysely";
import { nowIso, type ServiceContext } from "../context.js";
import { currentLabel } from "../deployment/store.js";
import { evaluationsByVersion, versionEvaluations } from "../evalRun/version-evaluations.js";
import { writeWithEvents } from "../event/write.js";
import type { PromptService } from "../prompt/service.js";
import { checkDraft } from "../prompt/service.js";
import { findPromptById, labelsOfPrompts, updatePromptRow } from "../prompt/store.js";
import type { Database, PromptRow, PromptVersionRow } from "../storage/database.js";
import { findVersion, findVersionByHash, insertVersion, listVersions } from "./store.js";

/** A version as the API shows it: named, with the labels that point at it. */
function presentVersion(
  name: string,
  { id, promptId, ...v }: PromptVersionRow,
  labels: Record<string, number>,
): PromptVersion {
  return {
    id,
    name,
    ...v,
    labels: Object.entries(labels)
      .filter(([, n]) => n === v.version)
      .map(([label]) => label),
  };
}

/** The version, or a 404 that says which versions exist. */
export async function requireVersion(
  db: Kysely<Database>,
  prompt: PromptRow,
  version: number,
): Promise<PromptVersionRow> {
  const found = version <= MAX_STORED_INT ? await findVersion(db, prompt.id, version) : undefined;
  if (!found) {
    const latest = prompt.latestVersion
      ? `; the latest is ${prompt.latestVersion}`
      : "; it has no versions yet";
    throw new NotFound(`prompt '${prompt.name}' has no version ${version}${latest}`);
  }
  return found;
}

/** A version number (`3`), a label (`production`, `latest`) or `draft`, resolved for one prompt. */
type ResolvedRef = { ref: string; content: PromptContent; version: PromptVersionRow | null };

export interface VersionService {
  publish(principal: Principal, name: string, body: PublishBody): Promise<PublishResult>;
  listVersions(principal: Principal, name: string): Promise<PromptVersion[]>;
  getVersion(principal: Principal, name: string, version: number): Promise<PromptVersion>;
  diff(principal: Principal, name: string, from: string, to: string): Promise<VersionDiff>;
  draftBump(principal: Principal, name: string): Promise<DraftBump>;
  /** Versions never change: explains why, or 404s for a version that does not exist. */
  refuseVersionChange(principal: Principal, name: string, version: number): Promise<never>;
}

export function createVersionService(ctx: ServiceContext, prompts: PromptService): VersionService {
  const { db } = ctx.engine;

  async function labelsWithLatest(prompt: PromptRow): Promise<Record<string, number>> {
    const labels = (await labelsOfPrompts(db, [prompt.id])).get(prompt.id) ?? {};
    return prompt.latestVersion === null ? labels : { ...labels, [LATEST]: prompt.latestVersion };
  }

  async function resolveRef(prompt: PromptRow, ref: string): Promise<ResolvedRef> {
    if (ref === "draft") return { ref, content: prompt.draft, version: null };
    let number: number | undefined;
    if (/^\d+$/.test(ref)) number = Number(ref);
    else if (ref === LATEST) number = prompt.latestVersion ?? undefined;
    else number = await currentLabel(db, prompt.id, ref);
    if (number === undefined) {
      throw new NotFound(`prompt '${prompt.name}' has no version labelled '${ref}'`);
    }
    const version = await requireVersion(db, prompt, number);
    return { ref, content: version.content, version };
  }

  async function insertNext(
    trx: Kysely<Database>,
    prompt: PromptRow,
    content: PromptContent,
    hash: string,
    variables: string[],
    body: PublishBody,
    actor: string,
  ): Promise<PromptVersionRow> {
    const parent =
      prompt.latestVersion === null
        ? undefined
        : await findVersion(trx, prompt.id, prompt.latestVersion);
    const suggestion = parent
      ? suggestBump(parent.content, content, diffContents(parent.content, content))
      : null;
    const bump = parent ? (body.bump ?? suggestion?.level ?? "patch") : null;
    const row: PromptVersionRow = {
      id: ctx.newId(),
      promptId: prompt.id,
      version: (parent?.version ?? 0) + 1,
      semver: parent && bump ? bumpSemver(parent.semver, bump) : FIRST_SEMVER,
      bump,
      suggestedBump: suggestion,
      content,
      contentHash: hash,
      variables,
      commitMessage: body.commitMessage,
      author: actor,
      createdAt: nowIso(ctx),
      parentVersion: parent?.version ?? null,
    };
    await insertVersion(trx, row);
    return row;
  }

  return {
    async publish(principal, name, body) {
      const known = await prompts.requirePrompt(principal.projectId, name);
      const content = body.content ?? known.draft;
      const variables = checkDraft(known, content);
      const hash = await contentHash(content);
      const { version, created } = await writeWithEvents(ctx, async (trx, record) => {
        await ctx.engine.lockPrompt(trx, known.id);
        // Re-read under the lock: a concurrent publish may have moved latest_version.
        const prompt = (await findPromptById(trx, known.id)) ?? known;
        const at = nowIso(ctx);
        const draftChange = body.content
          ? { draft: body.content, draftUpdatedBy: principal.actor }
          : {};
        const existing = await findVersionByHash(trx, prompt.id, hash);
        if (existing) {
          if (body.content) {
            await updatePromptRow(trx, prompt.id, { ...draftChange, updatedAt: at });
            await record({
              projectId: prompt.projectId,
              type: "draft.saved",
              subject: name,
              payload: { identicalTo: existing.version },
              actor: principal.actor,
              at,
            });
          }
          return { version: existing, created: false };
        }
        const version = await insertNext(
          trx,
          prompt,
          content,
          hash,
          variables,
          body,
          principal.actor,
        );
        await updatePromptRow(trx, prompt.id, {
          ...draftChange,
          latestVersion: version.version,
          updatedAt: at,
        });
        await record({
          projectId: prompt.projectId,
          type: "version.published",
          subject: name,
          payload: { version: version.version, semver: version.semver, bump: version.bump },
          actor: principal.actor,
          at,
        });
        return { version, created: true };
      });
      const prompt = (await findPromptById(db, known.id)) ?? known;
      return { ...presentVersion(name, version, await labelsWithLatest(prompt)), created };
    },

    async listVersions(principal, name) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const labels = await labelsWithLatest(prompt);
      const versions = await listVersions(db, prompt.id);
      const evaluations = await evaluationsByVersion(
        db,
        principal.projectId,
        name,
        versions.map((v) => v.version),
      );
      return versions.map((v) => ({
        ...presentVersion(name, v, labels),
        evaluations: evaluations.get(v.version) ?? [],
      }));
    },

    async getVersion(principal, name, version) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      return {
        ...presentVersion(
          name,
          await requireVersion(db, prompt, version),
          await labelsWithLatest(prompt),
        ),
        evaluations: await versionEvaluations(db, principal.projectId, name, version),
      };
    },

    async diff(principal, name, from, to) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      const [a, b] = [await resolveRef(prompt, from), await resolveRef(prompt, to)];
      const label = (side: ResolvedRef) =>
        `${name}@${side.version ? `v${side.version.version}` : side.ref}`;
      // Content saved before depth was limited may still be too deep to walk.
      for (const side of [a, b]) assertJsonDepth(side.content, label(side));
      const diff = diffContents(a.content, b.content, { from: label(a), to: label(b) });
      const side = (s: ResolvedRef) => ({
        ref: s.ref,
        version: s.version?.version ?? null,
        semver: s.version?.semver ?? null,
      });
      return {
        name,
        from: side(a),
        to: side(b),
        ...diff,
        suggestedBump: suggestBump(a.content, b.content, diff),
      };
    },

    async draftBump(principal, name) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      if (prompt.latestVersion === null) {
        return { baseVersion: null, nextSemver: FIRST_SEMVER, identicalTo: null, suggestion: null };
      }
      const base = await requireVersion(db, prompt, prompt.latestVersion);
      const identical = await findVersionByHash(db, prompt.id, await contentHash(prompt.draft));
      if (identical) {
        // Publishing now would return that version, not create one.
        return {
          baseVersion: base.version,
          nextSemver: identical.semver,
          identicalTo: identical.version,
          suggestion: null,
        };
      }
      checkDraft(prompt, prompt.draft);
      const suggestion = suggestBump(
        base.content,
        prompt.draft,
        diffContents(base.content, prompt.draft),
      );
      return {
        baseVersion: base.version,
        nextSemver: bumpSemver(base.semver, suggestion.level),
        identicalTo: null,
        suggestion,
      };
    },

    async refuseVersionChange(principal, name, version) {
      const prompt = await prompts.requirePrompt(principal.projectId, name);
      await requireVersion(db, prompt, version);
      throw new Conflict(
        `version ${version} of '${name}' is immutable and cannot be changed or deleted — edit the draft and publish a new version, or move a label to choose which version is served`,
      );
    },
  };
}
