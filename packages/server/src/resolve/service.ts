import {
  type AssignmentContext,
  assignVersion,
  type CompileBody,
  type CompiledPromptResult,
  compileContent,
  DEFAULT_LABEL,
  type DeliveredRollout,
  extractVariables,
  freezeData,
  Invalid,
  isRequired,
  LATEST,
  NotFound,
  type PatternTest,
  type Principal,
  type PromptContent,
  type ResolvedPrompt,
  specOf,
  type VariableInfo,
} from "@promptline/core";
import { compilePattern } from "@promptline/core/scorers";
import { InvalidatingCache } from "../cache/invalidating-cache.js";
import type { ServiceContext } from "../context.js";
import { currentLabel } from "../deployment/store.js";
import { findPromptByName } from "../prompt/store.js";
import { findActiveRollout } from "../rollout/store.js";
import type { RolloutRow } from "../storage/rollout-tables.js";
import { findVersion } from "../version/store.js";

/** A resolved prompt, pre-serialised: the hot path answers with these bytes as they are. */
export type Resolution =
  | { found: true; prompt: ResolvedPrompt; body: string; etag: string }
  | { found: false; message: string };

export interface Selector {
  label?: string | undefined;
  version?: number | undefined;
}

export interface ResolveService {
  resolve(
    projectId: string,
    name: string,
    selector: Selector,
  ): Promise<Resolution & { found: true }>;
  /**
   * As `resolve`, then, when the label has a running rollout and the caller has a unit (`unit`,
   * else the context's attribute the rollout names), the version the caller is assigned (its
   * prompt's `variant` says which); the control otherwise.
   */
  resolveFor(
    projectId: string,
    name: string,
    selector: Selector,
    context: AssignmentContext | undefined,
    unit?: string | undefined,
  ): Promise<Resolution & { found: true }>;
  compile(principal: Principal, name: string, body: CompileBody): Promise<CompiledPromptResult>;
  /** Running totals of resolutions answered from memory and loaded from storage. */
  readonly cacheStats: { hits: number; misses: number };
  /**
   * What `resolveFor` would answer, when it is cached, without touching storage; undefined when
   * any of it (the label's resolution, the assigned version's) is not.
   */
  peek(
    projectId: string,
    name: string,
    selector: Selector,
    context?: AssignmentContext | undefined,
    unit?: string | undefined,
  ): (Resolution & { found: true }) | undefined;
}

function variableInfo(content: PromptContent): VariableInfo[] {
  return extractVariables(content).map((v) => {
    const spec = specOf(content.variables, v.name);
    return {
      name: v.name,
      required: isRequired(v, spec),
      ...(spec && { type: spec.type }),
      ...(spec?.default !== undefined && { default: spec.default }),
      ...(spec?.description !== undefined && { description: spec.description }),
    };
  });
}

/** Contexts come from callers: `matches` conditions run on RE2, in time linear in the input. */
const re2Test: PatternTest = (pattern, text) => {
  const compiled = compilePattern(pattern, "", "the pattern");
  return "test" in compiled && compiled.test(text);
};

/** What a client needs to assign callers itself. */
function deliveredOf(row: RolloutRow): DeliveredRollout {
  return {
    id: row.id,
    revision: row.revision,
    salt: row.salt,
    unit: row.unit,
    control: row.control,
    rules: row.rules.map(({ conditions, variants }) => ({ conditions, variants })),
    split: row.split,
  };
}

/**
 * The ETag names the version and, while a rollout runs on the label, its revision: a client
 * revalidating the label (polling, or after a change-feed gap) must not be told 304 when only
 * the rollout changed.
 */
function resolution(prompt: ResolvedPrompt): Resolution & { found: true } {
  const rollout = prompt.rollout ? `-r${prompt.rollout.id}.${prompt.rollout.revision}` : "";
  return {
    found: true,
    prompt,
    body: JSON.stringify(prompt),
    etag: `"${prompt.contentHash.slice(0, 32)}-${prompt.version}${rollout}"`,
  };
}

/**
 * The client API's hot path: resolutions (and misses) are kept in memory per prompt and dropped
 * when any instance reports a change to that prompt.
 */
export function createResolveService(ctx: ServiceContext): ResolveService {
  const { db } = ctx.engine;
  const cache = new InvalidatingCache<Resolution>(50_000);
  const group = (projectId: string, name: string) => `${projectId}\u0000${name}`;
  ctx.engine.onChange(
    (change) => {
      if (change.kind === "prompt") cache.invalidate(group(change.projectId, change.subject));
    },
    () => cache.clear(),
  );

  async function load(projectId: string, name: string, selector: Selector): Promise<Resolution> {
    const prompt = await findPromptByName(db, projectId, name);
    if (!prompt) return { found: false, message: `no prompt named '${name}' in this project` };
    const label = selector.version === undefined ? (selector.label ?? DEFAULT_LABEL) : null;
    const number =
      selector.version ??
      (label === LATEST
        ? (prompt.latestVersion ?? undefined)
        : await currentLabel(db, prompt.id, label ?? ""));
    if (number === undefined) {
      return {
        found: false,
        message: `prompt '${name}' has no version labelled '${label}' — deploy one to it, or ask for a version`,
      };
    }
    const version = await findVersion(db, prompt.id, number);
    if (!version) return { found: false, message: `prompt '${name}' has no version ${number}` };
    // Every request the cache answers shares this content: its defaults must never change.
    freezeData(version.content.variables);
    const rollout =
      label !== null && label !== LATEST
        ? await findActiveRollout(db, prompt.id, label)
        : undefined;
    const resolved: ResolvedPrompt = {
      name,
      version: version.version,
      semver: version.semver,
      label,
      contentHash: version.contentHash,
      content: version.content,
      variables: variableInfo(version.content),
      ...(rollout && { rollout: deliveredOf(rollout) }),
    };
    return resolution(resolved);
  }

  const selectorKey = (selector: Selector) =>
    selector.version === undefined
      ? `l:${selector.label ?? DEFAULT_LABEL}`
      : `v:${selector.version}`;

  const cacheStats = { hits: 0, misses: 0 };
  async function resolve(projectId: string, name: string, selector: Selector) {
    if (selector.label !== undefined && selector.version !== undefined) {
      throw new Invalid("ask for a label or a version, not both");
    }
    const key = selectorKey(selector);
    const g = group(projectId, name);
    let resolution = cache.get(g, key);
    if (resolution) cacheStats.hits++;
    else {
      cacheStats.misses++;
      resolution = await cache.load(g, key, () => load(projectId, name, selector));
    }
    if (!resolution.found) throw new NotFound(resolution.message);
    return resolution;
  }

  /** The caller's version when the label's rollout assigns it one, with its cache key. */
  function assignmentFor(
    control: Resolution & { found: true },
    context: AssignmentContext | undefined,
    unit: string | undefined,
  ) {
    const rollout = control.prompt.rollout;
    if (!rollout || (context === undefined && !unit)) return undefined;
    const caller = unit ? { ...context, [rollout.unit]: unit } : (context ?? {});
    const assigned = assignVersion(rollout, caller, re2Test);
    if (assigned.by === "no-unit") return undefined;
    const label = control.prompt.label;
    const key = `a:${label}:${rollout.id}:${rollout.revision}:${assigned.version}`;
    return { ...assigned, label, key };
  }

  async function resolveFor(
    projectId: string,
    name: string,
    selector: Selector,
    context: AssignmentContext | undefined,
    unit?: string | undefined,
  ) {
    const control = await resolve(projectId, name, selector);
    const assigned = assignmentFor(control, context, unit);
    if (!assigned) return control;
    const { key, label } = assigned;
    const g = group(projectId, name);
    const known = cache.get(g, key);
    if (known?.found) {
      cacheStats.hits++;
      return known;
    }
    cacheStats.misses++;
    const loaded = await cache.load(g, key, async () => {
      const { prompt } = await resolve(projectId, name, { version: assigned.version });
      const served: ResolvedPrompt = { ...prompt, label, variant: assigned.variant };
      return resolution(served);
    });
    if (!loaded.found) throw new NotFound(loaded.message);
    return loaded;
  }

  return {
    resolve,
    resolveFor,
    cacheStats,
    peek(projectId, name, selector, context, unit) {
      const g = group(projectId, name);
      const control = cache.get(g, selectorKey(selector));
      if (!control?.found) return undefined;
      const assigned = assignmentFor(control, context, unit);
      const resolution = assigned ? cache.get(g, assigned.key) : control;
      if (resolution?.found) cacheStats.hits++;
      return resolution?.found ? resolution : undefined;
    },
    async compile(principal, name, body) {
      const { prompt } = await resolveFor(
        principal.projectId,
        name,
        { label: body.label, version: body.version },
        body.context,
        body.unit,
      );
      const compiled = compileContent(prompt.content, body.variables, body.placeholders);
      return {
        name,
        version: prompt.version,
        semver: prompt.semver,
        label: prompt.label,
        ...compiled,
        config: prompt.content.config ?? {},
        ...(prompt.variant && { variant: prompt.variant }),
      };
    },
  };
}
