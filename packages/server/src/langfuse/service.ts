import {
  type AssignmentContext,
  Conflict,
  can,
  createPromptBodySchema,
  DEFAULT_LABEL,
  environmentNameSchema,
  Forbidden,
  Invalid,
  LATEST,
  labelMoveRefusal,
  type Principal,
  type PromptType,
  type PromptVersion,
} from "@promptline/core";
import type { ServiceContext } from "../context.js";
import { createDeploymentService } from "../deployment/service.js";
import { createEnvironmentService } from "../environment/service.js";
import { findEnvironment } from "../environment/store.js";
import { writeTogether } from "../event/write.js";
import { GateRefused, recordGateRefusal } from "../gate/deploy-check.js";
import { createPromptService, type PromptService } from "../prompt/service.js";
import { findPromptByName, labelsOfPrompts, listPrompts } from "../prompt/store.js";
import type { ResolveService } from "../resolve/service.js";
import { createVersionService, type VersionService } from "../version/service.js";
import { listVersions } from "../version/store.js";
import { fromLangfusePrompt, toLangfuseConfig, toLangfusePromptBody } from "./mapping.js";
import type {
  LangfuseCreate,
  LangfuseListQuery,
  LangfusePrompt,
  LangfusePromptList,
} from "./schema.js";

const REASON = "label set through the Langfuse prompt API";
/** A write that lost a race to a concurrent create is retried: it then finds what was created. */
const WRITE_ATTEMPTS = 3;

/** What answers reads; writes use services bound to their own transaction (see `writeAtomically`). */
export interface LangfuseServices {
  prompts: PromptService;
  versions: VersionService;
  resolver: ResolveService;
}

/** The services one Langfuse write uses, all on one transaction's context. */
function writeServices(bound: ServiceContext) {
  const prompts = createPromptService(bound);
  const environments = createEnvironmentService(bound);
  return {
    db: bound.engine.db,
    prompts,
    environments,
    versions: createVersionService(bound, prompts),
    deployments: createDeploymentService(bound, prompts, environments),
  };
}
type WriteServices = ReturnType<typeof writeServices>;

export interface LangfuseService {
  createVersion(principal: Principal, body: LangfuseCreate): Promise<LangfusePrompt>;
  getPrompt(
    principal: Principal,
    name: string,
    selector: { version?: number; label?: string },
    caller?: { context?: AssignmentContext | undefined; unit?: string | undefined },
  ): Promise<LangfusePrompt>;
  listPrompts(principal: Principal, query: LangfuseListQuery): Promise<LangfusePromptList>;
  setLabels(
    principal: Principal,
    name: string,
    version: number,
    labels: string[],
  ): Promise<LangfusePrompt>;
}

function present(projectId: string, tags: string[], v: PromptVersion): LangfusePrompt {
  return {
    id: v.id,
    name: v.name,
    version: v.version,
    type: v.content.type,
    prompt: toLangfusePromptBody(v.content),
    config: toLangfuseConfig(v.content.config),
    labels: v.labels,
    tags,
    commitMessage: v.commitMessage,
    createdAt: v.createdAt,
    updatedAt: v.createdAt,
    createdBy: v.author,
    projectId,
    isActive: null,
    resolutionGraph: null,
  };
}

/**
 * Langfuse's prompt API over promptline's own services: a Langfuse "version" is a version, a
 * Langfuse "label" is an environment label, and every rule (validation, permissions, history,
 * audit, change notifications) is the one the rest of promptline applies.
 */
export function createLangfuseService(
  ctx: ServiceContext,
  services: LangfuseServices,
): LangfuseService {
  const { db } = ctx.engine;
  const { prompts, versions, resolver } = services;

  /**
   * One Langfuse call changes a prompt, its versions, environments and labels: all of it commits
   * in one transaction, so a step that fails leaves nothing of the others behind.
   */
  async function writeAtomically<T>(work: (write: WriteServices) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeTogether(ctx, (bound) => work(writeServices(bound)));
      } catch (error) {
        // The gate refused a label move: the write rolled back, the refusal is on record.
        if (error instanceof GateRefused) await recordGateRefusal(ctx, error);
        // A concurrent request created the same prompt or environment first.
        if (!(error instanceof Conflict) || attempt === WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** Checks every label before anything is written, so a refused request changes nothing. */
  async function checkLabels(principal: Principal, labels: string[]): Promise<string[]> {
    const wanted = [...new Set(labels)];
    for (const label of wanted) {
      if (label === LATEST)
        throw new Invalid("labels: 'latest' is set automatically and cannot be given");
      const valid = environmentNameSchema.safeParse(label);
      if (!valid.success)
        throw new Invalid(`labels: '${label}': ${valid.error.issues[0]?.message}`);
      const env = await findEnvironment(db, principal.projectId, label);
      if (!env && !can(principal, "environment:manage")) {
        throw new Forbidden(
          `label '${label}' does not exist yet, and creating it needs the admin role`,
        );
      }
      const refusal = labelMoveRefusal(principal, env ?? { name: label, protected: false });
      if (refusal) throw new Forbidden(refusal);
    }
    return wanted;
  }

  async function applyLabels(
    write: WriteServices,
    principal: Principal,
    name: string,
    version: number,
    labels: string[],
  ) {
    const current = (await write.prompts.getPrompt(principal, name)).labels;
    for (const label of labels) {
      if (current[label] === version) continue;
      if (!(await findEnvironment(write.db, principal.projectId, label))) {
        await write.environments.createEnvironment(principal, { name: label, protected: false });
      }
      await write.deployments.deploy(principal, name, {
        environment: label,
        version,
        reason: REASON,
      });
    }
  }

  function refuseTypeChange(name: string, type: PromptType, wanted: PromptType): void {
    if (type !== wanted) {
      throw new Invalid(
        `prompt '${name}' is a ${type} prompt; a new version cannot change its type`,
      );
    }
  }

  async function show(
    principal: Principal,
    name: string,
    version: number,
  ): Promise<LangfusePrompt> {
    const prompt = await prompts.getPrompt(principal, name);
    return present(
      principal.projectId,
      prompt.tags,
      await versions.getVersion(principal, name, version),
    );
  }

  return {
    async createVersion(principal, body) {
      const content = fromLangfusePrompt(body);
      // The same checks promptline's own API makes, all before the first write.
      const checked = createPromptBodySchema.safeParse({
        name: body.name,
        type: content.type,
        draft: content,
        ...(body.tags && { tags: body.tags }),
      });
      if (!checked.success) {
        throw new Invalid(
          checked.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
        );
      }
      const labels = await checkLabels(principal, body.labels);
      const version = await writeAtomically(async (write) => {
        const existing = await findPromptByName(write.db, principal.projectId, body.name);
        if (!existing) {
          await write.prompts.createPrompt(principal, checked.data);
        } else {
          refuseTypeChange(body.name, existing.type, content.type);
          if (body.tags && JSON.stringify(existing.tags) !== JSON.stringify(checked.data.tags)) {
            await write.prompts.updatePrompt(principal, body.name, {
              tags: checked.data.tags ?? [],
            });
          }
        }
        const published = await write.versions.publish(principal, body.name, {
          commitMessage: body.commitMessage?.trim() || "Created through the Langfuse prompt API",
          content,
        });
        await applyLabels(write, principal, body.name, published.version, labels);
        return published.version;
      });
      return show(principal, body.name, version);
    },

    async getPrompt(principal, name, selector, caller = {}) {
      if (selector.version !== undefined && selector.label !== undefined) {
        throw new Invalid("ask for a label or a version, not both");
      }
      // A label's version is the one a running rollout assigns the caller (control without a unit).
      const version =
        selector.version ??
        (
          await resolver.resolveFor(
            principal.projectId,
            name,
            { label: selector.label ?? DEFAULT_LABEL },
            caller.context,
            caller.unit,
          )
        ).prompt.version;
      return show(principal, name, version);
    },

    async listPrompts(principal, query) {
      const all = await listPrompts(db, principal.projectId, { tag: query.tag, limit: 100_000 });
      const labels = await labelsOfPrompts(
        db,
        all.map((p) => p.id),
      );
      const matching = all.filter(
        (p) =>
          (query.name === undefined || p.name === query.name) &&
          (query.label === undefined ||
            (query.label === LATEST
              ? p.latestVersion !== null
              : labels.get(p.id)?.[query.label] !== undefined)),
      );
      const page = matching.slice((query.page - 1) * query.limit, query.page * query.limit);
      const data = await Promise.all(
        page.map(async (p) => {
          const history = await listVersions(db, p.id);
          const promptLabels = Object.keys(labels.get(p.id) ?? {});
          return {
            name: p.name,
            type: p.type,
            versions: history.map((v) => v.version).sort((a, b) => a - b),
            labels: p.latestVersion === null ? promptLabels : [...promptLabels, LATEST],
            tags: p.tags,
            lastUpdatedAt: p.updatedAt,
            lastConfig: toLangfuseConfig(history[0]?.content.config),
          };
        }),
      );
      return {
        data,
        meta: {
          page: query.page,
          limit: query.limit,
          totalItems: matching.length,
          totalPages: Math.ceil(matching.length / query.limit),
        },
      };
    },

    async setLabels(principal, name, version, newLabels) {
      const labels = await checkLabels(principal, newLabels);
      await writeAtomically(async (write) => {
        await write.versions.getVersion(principal, name, version);
        await applyLabels(write, principal, name, version, labels);
      });
      return show(principal, name, version);
    },
  };
}
