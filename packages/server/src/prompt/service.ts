import {
  assertJsonDepth,
  type CreatePromptBody,
  checkDefaultsRender,
  emptyContent,
  Invalid,
  NotFound,
  type Principal,
  type PromptContent,
  type PromptDetail,
  type PromptList,
  type PromptListQuery,
  type PromptSummary,
  type UpdatePromptBody,
  validateContent,
} from "@promptline/core";
import { nowIso, type ServiceContext } from "../context.js";
import { createWithEvent, writeWithEvents } from "../event/write.js";
import type { PromptRow } from "../storage/database.js";
import {
  findPromptByName,
  insertPrompt,
  labelsOfPrompts,
  listFolders,
  listPrompts,
  updatePromptMetadata,
  updatePromptRow,
} from "./store.js";

/** A prompt as lists show it: with where its labels point. */
function presentPrompt(p: PromptRow, labels: Record<string, number>): PromptSummary {
  return {
    name: p.name,
    type: p.type,
    description: p.description,
    tags: p.tags,
    latestVersion: p.latestVersion,
    labels,
    createdAt: p.createdAt,
    createdBy: p.createdBy,
    updatedAt: p.updatedAt,
  };
}

/**
 * A draft must be of the prompt's type, its templates must parse, and it must nest no deeper than
 * hashing and diffing can walk (whatever route or file it came from).
 */
export function checkDraft(
  prompt: Pick<PromptRow, "type" | "name">,
  content: PromptContent,
): string[] {
  assertJsonDepth(content, `prompt '${prompt.name}'`);
  if (content.type !== prompt.type) {
    throw new Invalid(
      `prompt '${prompt.name}' is a ${prompt.type} prompt; its content must have type '${prompt.type}', not '${content.type}'`,
    );
  }
  const variables = validateContent(content).map((v) => v.name);
  // A default that passes a render limit would fail every compile that relies on it.
  checkDefaultsRender(content);
  return variables;
}

export interface PromptService {
  createPrompt(principal: Principal, body: CreatePromptBody): Promise<PromptDetail>;
  getPrompt(principal: Principal, name: string): Promise<PromptDetail>;
  listPrompts(principal: Principal, query: PromptListQuery): Promise<PromptList>;
  updatePrompt(principal: Principal, name: string, body: UpdatePromptBody): Promise<PromptDetail>;
  saveDraft(principal: Principal, name: string, content: PromptContent): Promise<PromptDetail>;
  /** The prompt or a 404 that names it. */
  requirePrompt(projectId: string, name: string): Promise<PromptRow>;
  /** The folders prompts live in, with how many prompts each holds (for a folder tree). */
  listFolders(principal: Principal): Promise<Array<{ path: string; prompts: number }>>;
}

export function createPromptService(ctx: ServiceContext): PromptService {
  const { db } = ctx.engine;

  async function listProjectFolders(principal: Principal) {
    return listFolders(db, principal.projectId);
  }

  async function requirePrompt(projectId: string, name: string): Promise<PromptRow> {
    const prompt = await findPromptByName(db, projectId, name);
    if (!prompt) throw new NotFound(`no prompt named '${name}' in this project`);
    return prompt;
  }

  async function detail(prompt: PromptRow): Promise<PromptDetail> {
    const labels = (await labelsOfPrompts(db, [prompt.id])).get(prompt.id) ?? {};
    return {
      ...presentPrompt(prompt, labels),
      draft: prompt.draft,
      draftVariables: validateContent(prompt.draft).map((v) => v.name),
      draftUpdatedAt: prompt.draftUpdatedAt,
      draftUpdatedBy: prompt.draftUpdatedBy,
    };
  }

  return {
    requirePrompt,
    listFolders: listProjectFolders,

    async createPrompt(principal, body) {
      const draft = body.draft ?? emptyContent(body.type);
      checkDraft(body, draft);
      const at = nowIso(ctx);
      const prompt: PromptRow = {
        id: ctx.newId(),
        projectId: principal.projectId,
        name: body.name,
        type: body.type,
        description: body.description ?? "",
        tags: body.tags ?? [],
        draft,
        draftUpdatedAt: at,
        draftUpdatedBy: principal.actor,
        latestVersion: null,
        createdAt: at,
        createdBy: principal.actor,
        updatedAt: at,
      };
      await createWithEvent(
        ctx,
        (trx) => insertPrompt(trx, prompt),
        {
          projectId: prompt.projectId,
          type: "prompt.created",
          subject: prompt.name,
          payload: { type: prompt.type },
          actor: principal.actor,
          at,
        },
        `a prompt named '${body.name}' already exists — edit its draft instead`,
      );
      return detail(prompt);
    },

    async getPrompt(principal, name) {
      return detail(await requirePrompt(principal.projectId, name));
    },

    async listPrompts(principal, query) {
      const prompts = await listPrompts(db, principal.projectId, query);
      const labels = await labelsOfPrompts(
        db,
        prompts.map((p) => p.id),
      );
      return {
        items: prompts.map((p) => presentPrompt(p, labels.get(p.id) ?? {})),
        nextCursor: prompts.length === query.limit ? (prompts.at(-1)?.name ?? null) : null,
      };
    },

    async updatePrompt(principal, name, body) {
      const prompt = await requirePrompt(principal.projectId, name);
      const updated = { ...prompt, ...body, updatedAt: nowIso(ctx) };
      await writeWithEvents(ctx, async (trx, record) => {
        await updatePromptMetadata(trx, updated);
        await record({
          projectId: prompt.projectId,
          type: "prompt.updated",
          subject: name,
          payload: body,
          actor: principal.actor,
          at: updated.updatedAt,
        });
      });
      return detail(updated);
    },

    async saveDraft(principal, name, content) {
      const prompt = await requirePrompt(principal.projectId, name);
      checkDraft(prompt, content);
      const at = nowIso(ctx);
      await writeWithEvents(ctx, async (trx, record) => {
        await updatePromptRow(trx, prompt.id, {
          draft: content,
          draftUpdatedBy: principal.actor,
          updatedAt: at,
        });
        await record({
          projectId: prompt.projectId,
          type: "draft.saved",
          subject: name,
          payload: {},
          actor: principal.actor,
          at,
        });
      });
      return detail({
        ...prompt,
        draft: content,
        draftUpdatedAt: at,
        draftUpdatedBy: principal.actor,
        updatedAt: at,
      });
    },
  };
}
