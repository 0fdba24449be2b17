import {
  Invalid,
  type ModelConfig,
  messageRoleSchema,
  modelConfigSchema,
  type PromptContent,
  type PromptMessage,
} from "@promptline/core";
import type { LangfuseCreate } from "./schema.js";

/** Langfuse config keys that have a typed promptline field; everything else rides in `extra`. */
const CONFIG_FIELDS = {
  model: "model",
  provider: "provider",
  temperature: "temperature",
  max_tokens: "maxTokens",
  top_p: "topP",
  stop: "stop",
} as const satisfies Record<string, keyof ModelConfig>;

/** A Langfuse config object as a promptline model config, losslessly. */
export function fromLangfuseConfig(
  config: Record<string, unknown> | null | undefined,
): ModelConfig | undefined {
  if (!config || Object.keys(config).length === 0) return undefined;
  const typed: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const field = CONFIG_FIELDS[key as keyof typeof CONFIG_FIELDS];
    if (field && modelConfigSchema.shape[field].safeParse(value).success) typed[field] = value;
    else extra[key] = value;
  }
  return Object.keys(extra).length > 0 ? { ...typed, extra } : typed;
}

/** A promptline model config in Langfuse's shape. */
export function toLangfuseConfig(config: ModelConfig | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config?.extra };
  for (const [key, field] of Object.entries(CONFIG_FIELDS)) {
    if (config?.[field] !== undefined) out[key] = config[field];
  }
  if (config?.tools) out.tools = config.tools;
  if (config?.responseFormat) out.response_format = config.responseFormat;
  return out;
}

function toMessage(
  item: Exclude<LangfuseCreate["prompt"], string>[number],
  index: number,
): PromptMessage {
  if (item.type === "placeholder") return { type: "placeholder", name: item.name };
  const role = messageRoleSchema.safeParse(item.role);
  if (!role.success) {
    throw new Invalid(
      `prompt[${index}].role: '${item.role}' is not supported — use system, user or assistant`,
    );
  }
  return { role: role.data, content: item.content };
}

/** A Langfuse create request's prompt as promptline content. */
export function fromLangfusePrompt(body: LangfuseCreate): PromptContent {
  const config = fromLangfuseConfig(body.config);
  if (body.type === "text") {
    if (typeof body.prompt !== "string") throw new Invalid("prompt: a text prompt is a string");
    return { type: "text", text: body.prompt, ...(config && { config }) };
  }
  if (typeof body.prompt === "string")
    throw new Invalid("prompt: a chat prompt is a list of messages");
  return { type: "chat", messages: body.prompt.map(toMessage), ...(config && { config }) };
}

/** promptline content as Langfuse's `prompt` field. */
export function toLangfusePromptBody(
  content: PromptContent,
): string | Array<Record<string, unknown>> {
  if (content.type === "text") return content.text;
  return content.messages.map((m) =>
    "role" in m ? { role: m.role, content: m.content } : { type: "placeholder", name: m.name },
  );
}
