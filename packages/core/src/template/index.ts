import { Invalid } from "../errors/index.js";
import type {
  ChatMessage,
  PromptContent,
  VariableSchema,
  VariableSpec,
} from "../prompt/content.js";
import { templatesOf } from "../prompt/templates.js";
import { freezeData } from "./data.js";
import { parseTokens } from "./parse.js";
import { RenderBudget, renderWithin, type Token } from "./render.js";

export { freezeData } from "./data.js";
export { MAX_RENDER_STEPS, MAX_REPEATED_CHARS } from "./render.js";

/** A variable a template uses, and whether the template needs it to render meaningfully. */
export interface TemplateVariable {
  name: string;
  /** Used as a plain `{{name}}` outside any section (so it has to be given). */
  usedAsValue: boolean;
}

/** Rendering recurses once per section level: deeper nesting than this is refused up front. */
export const MAX_SECTION_DEPTH = 16;

/**
 * Every lookup scans its name at each section level it climbs, so names are kept short: a
 * variable name is at most 64 characters, and this leaves room for a dotted path of a few.
 */
export const MAX_TAG_NAME_LENGTH = 200;

const LOOKUPS = new Set(["name", "&", "#", "^"]);

/** Refuses what no render could do cheaply: nesting past the limit, or overlong tag names. */
function checkStructure(tokens: Token[], path: string): void {
  const stack: Array<[Token[], number]> = [[tokens, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [level, depth] = next;
    for (const token of level) {
      const [type, name, , , children] = token;
      if (LOOKUPS.has(type) && name.length > MAX_TAG_NAME_LENGTH) {
        throw new Invalid(
          `${path}: the tag name '${name.slice(0, 40)}…' is longer than ${MAX_TAG_NAME_LENGTH} characters — use a shorter variable name`,
          { path },
        );
      }
      if (type !== "#" && type !== "^") continue;
      if (depth > MAX_SECTION_DEPTH) {
        const message = `${path}: sections are nested more than ${MAX_SECTION_DEPTH} levels deep`;
        throw new Invalid(message, { path });
      }
      if (children) stack.push([children, depth + 1]);
    }
  }
}

function parseTemplate(template: string, path: string): Token[] {
  let tokens: Token[];
  try {
    tokens = parseTokens(template);
  } catch (error) {
    throw new Invalid(
      `${path}: ${(error as Error).message} — close every '{{' with '}}' and every '{{#section}}' with '{{/section}}'`,
      { path },
    );
  }
  checkStructure(tokens, path);
  return tokens;
}

/**
 * Top-level variables of one template. Names inside sections resolve against the section's
 * context first, so only top-level names and section names count as the prompt's variables.
 */
function variablesOfTemplate(template: string, path: string): Map<string, TemplateVariable> {
  const found = new Map<string, TemplateVariable>();
  for (const [type, value] of parseTemplate(template, path)) {
    const isValue = type === "name" || type === "&";
    const isSection = type === "#" || type === "^";
    if (!isValue && !isSection) continue;
    const name = value.split(".")[0] ?? value;
    if (name === "") continue;
    const known = found.get(name);
    found.set(name, { name, usedAsValue: (known?.usedAsValue ?? false) || isValue });
  }
  return found;
}

/** The variables a prompt's templates use, in first-use order. Throws Invalid on a bad template. */
export function extractVariables(content: PromptContent): TemplateVariable[] {
  const all = new Map<string, TemplateVariable>();
  for (const { path, template } of templatesOf(content)) {
    for (const v of variablesOfTemplate(template, path).values()) {
      const known = all.get(v.name);
      all.set(v.name, {
        name: v.name,
        usedAsValue: (known?.usedAsValue ?? false) || v.usedAsValue,
      });
    }
  }
  return [...all.values()];
}

/** Names of the history placeholders of a chat prompt. */
export function placeholdersOf(content: PromptContent): string[] {
  if (content.type !== "chat") return [];
  return content.messages.flatMap((m) => ("type" in m ? [m.name] : []));
}

/**
 * Checks what zod cannot: templates parse, the variable schema names only variables the
 * templates use, defaults match their declared type, and placeholders are unique.
 */
export function validateContent(content: PromptContent): TemplateVariable[] {
  const variables = extractVariables(content);
  const used = new Set(variables.map((v) => v.name));
  for (const [name, spec] of Object.entries(content.variables ?? {})) {
    if (!used.has(name)) {
      throw new Invalid(
        `variables.${name}: the schema describes a variable that no template uses — add {{${name}}} to a message or remove it from the schema`,
        { path: `variables.${name}` },
      );
    }
    if (spec.default !== undefined)
      assertType(name, spec, spec.default, `variables.${name}.default`);
  }
  const placeholders = placeholdersOf(content);
  const duplicate = placeholders.find((p, i) => placeholders.indexOf(p) !== i);
  if (duplicate) {
    throw new Invalid(
      `placeholder '${duplicate}' appears twice — give each placeholder its own name`,
    );
  }
  return variables;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}

function assertType(name: string, spec: VariableSpec, value: unknown, where: string): void {
  const actual = typeOf(value);
  if (actual !== spec.type) {
    throw new Invalid(`${where}: variable '${name}' must be a ${spec.type}, got ${actual}`, {
      variable: name,
      expected: spec.type,
      actual,
    });
  }
}

export type Variables = Record<string, unknown>;

/** The schema entry of a variable, if the schema has one of its own by that name. */
export function specOf(schema: VariableSchema | undefined, name: string): VariableSpec | undefined {
  return schema && Object.hasOwn(schema, name) ? schema[name] : undefined;
}

/**
 * Whether a caller must give the variable: never when the schema has a default; else as the
 * schema says; else when the template uses it as a plain `{{name}}`.
 */
export function isRequired(variable: TemplateVariable, spec: VariableSpec | undefined): boolean {
  if (spec?.default !== undefined) return false;
  return spec?.required ?? variable.usedAsValue;
}

/**
 * Applies the schema to caller-supplied variables: defaults filled in (frozen: see freezeData),
 * types checked, and every required variable present. Variables the prompt does not use are
 * ignored. The caller's values are left as they are: a render only reads them.
 */
export function resolveVariables(
  variables: TemplateVariable[],
  schema: VariableSchema | undefined,
  given: Variables,
): Variables {
  // No prototype: a variable named `constructor` must come from the caller, never from Object.
  const resolved: Variables = Object.create(null);
  const missing: string[] = [];
  for (const v of variables) {
    const spec = specOf(schema, v.name);
    const value =
      (Object.hasOwn(given, v.name) ? given[v.name] : undefined) ?? freezeData(spec?.default);
    if (value === undefined || value === null) {
      if (isRequired(v, spec)) missing.push(v.name);
      continue;
    }
    if (spec) assertType(v.name, spec, value, `variables.${v.name}`);
    resolved[v.name] = value;
  }
  if (missing.length > 0) {
    throw new Invalid(
      `missing required variable${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`,
      { missing },
    );
  }
  return resolved;
}

export type CompiledPrompt =
  | { type: "text"; text: string }
  | { type: "chat"; messages: ChatMessage[] };

/**
 * Renders a prompt with variables. Placeholders are replaced by the given message lists
 * (missing ones by nothing: history is optional).
 */
export function compileContent(
  content: PromptContent,
  given: Variables,
  placeholders: Record<string, ChatMessage[]> = {},
): CompiledPrompt {
  const variables = resolveVariables(extractVariables(content), content.variables, given);
  return renderContent(content, variables, placeholders);
}

/** Renders every template of a content within one budget (limits apply to the whole prompt). */
function renderContent(
  content: PromptContent,
  variables: Variables,
  placeholders: Record<string, ChatMessage[]>,
): CompiledPrompt {
  const budget = new RenderBudget();
  if (content.type === "text") {
    return { type: "text", text: renderWithin(budget, "text", content.text, variables) };
  }
  const messages = content.messages.flatMap((m, i) =>
    "role" in m
      ? [
          {
            role: m.role,
            content: renderWithin(budget, `messages[${i}].content`, m.content, variables),
          },
        ]
      : (placeholders[m.name] ?? []),
  );
  return { type: "chat", messages };
}

/**
 * Renders a content with its schema's defaults alone, so a default that makes every compile pass
 * a render limit is refused when the prompt is saved rather than each time a caller compiles it.
 */
export function checkDefaultsRender(content: PromptContent): void {
  const defaults: Variables = Object.create(null);
  for (const v of extractVariables(content)) {
    const fallback = freezeData(specOf(content.variables, v.name)?.default);
    if (fallback !== undefined && fallback !== null) defaults[v.name] = fallback;
  }
  try {
    renderContent(content, defaults, {});
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    throw new Invalid(
      `${error.message}; this happens with the schema's defaults alone, so give the variables smaller defaults`,
      error.details,
    );
  }
}
