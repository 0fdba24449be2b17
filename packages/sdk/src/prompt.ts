import type {
  ChatMessage,
  DeliveredRollout,
  PromptContent,
  ResolvedPrompt,
  RolloutVariant,
  VariableInfo,
} from "@promptline/core";
import { compileContent, extractVariables, isRequired, specOf } from "@promptline/core/template";

export type Variables = Record<string, unknown>;
export type Placeholders = Record<string, ChatMessage[]>;

/** Where a prompt object came from. */
export type PromptSource = "registry" | "snapshot" | "fallback";

export interface OpenAIMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface AnthropicRequestPart {
  system?: string;
  messages: Array<{ role: "user" | "assistant"; content: string }>;
}

/**
 * A resolved prompt: which version it is (for tagging traces) and how to fill it in. Compiling
 * is strict: a missing required variable throws an error naming it; schema defaults apply.
 */
export class Prompt {
  readonly name: string;
  readonly version: number;
  readonly semver: string;
  readonly label: string | null;
  /**
   * The rollout variant that served it: `control` or `candidate` when `getPrompt` assigned a
   * caller (its `context` has a unit) while a rollout runs on the label; null otherwise.
   */
  readonly variant: RolloutVariant | null;
  /**
   * The rollout running on this label, as delivered with it (this prompt is its control): what
   * `getPrompt` assigns callers from. Null when none runs, and on the prompts it assigns.
   */
  readonly rollout: DeliveredRollout | null;
  readonly type: PromptContent["type"];
  readonly content: PromptContent;
  readonly config: NonNullable<PromptContent["config"]>;
  readonly variables: VariableInfo[];
  readonly contentHash: string;
  readonly source: PromptSource;

  constructor(resolved: ResolvedPrompt, source: PromptSource) {
    this.name = resolved.name;
    this.version = resolved.version;
    this.semver = resolved.semver;
    this.label = resolved.label;
    this.variant = resolved.variant ?? null;
    this.rollout = resolved.rollout ?? null;
    this.type = resolved.content.type;
    this.content = resolved.content;
    this.config = resolved.content.config ?? {};
    this.variables = resolved.variables;
    this.contentHash = resolved.contentHash;
    this.source = source;
  }

  /** The messages as stored, with `{{variables}}` and placeholders (chat prompts). */
  get messages() {
    return this.content.type === "chat" ? this.content.messages : undefined;
  }

  /** The template as stored (text prompts). */
  get text() {
    return this.content.type === "text" ? this.content.text : undefined;
  }

  compile(variables: Variables = {}, placeholders: Placeholders = {}) {
    return compileContent(this.content, variables, placeholders);
  }

  /** Messages for OpenAI-compatible chat APIs; a text prompt becomes one user message. */
  toOpenAI(variables: Variables = {}, placeholders: Placeholders = {}): OpenAIMessage[] {
    const compiled = this.compile(variables, placeholders);
    return compiled.type === "text"
      ? [{ role: "user", content: compiled.text }]
      : compiled.messages;
  }

  /** `system` and `messages` for Anthropic's Messages API (system messages are joined). */
  toAnthropic(variables: Variables = {}, placeholders: Placeholders = {}): AnthropicRequestPart {
    const messages = this.toOpenAI(variables, placeholders);
    const system = messages
      .filter((m) => m.role === "system")
      .map((m) => m.content)
      .join("\n\n");
    const rest = messages.flatMap((m) =>
      m.role === "system" ? [] : [{ role: m.role, content: m.content }],
    );
    return system ? { system, messages: rest } : { messages: rest };
  }

  /** The prompt as the resolve endpoint describes it. */
  resolved(): ResolvedPrompt {
    const { name, version, semver, label, contentHash, content, variables, rollout, variant } =
      this;
    return {
      name,
      version,
      semver,
      label,
      contentHash,
      content,
      variables,
      ...(rollout && { rollout }),
      ...(variant && { variant }),
    };
  }

  /** What traces should be tagged with. */
  get tags() {
    return { prompt: this.name, version: this.version, label: this.label, variant: this.variant };
  }
}

/** What to serve (as version 0) when a prompt was never fetched: the given content. */
export function fallbackPrompt(name: string, label: string | null, content: PromptContent): Prompt {
  const variables = extractVariables(content).map((v) => {
    const spec = specOf(content.variables, v.name);
    return { name: v.name, required: isRequired(v, spec), ...(spec && { type: spec.type }) };
  });
  const resolved: ResolvedPrompt = {
    name,
    version: 0,
    semver: "0.0.0",
    label,
    contentHash: "",
    content,
    variables,
  };
  return new Prompt(resolved, "fallback");
}
