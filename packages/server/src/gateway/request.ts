import {
  type AssignmentContext,
  type CompiledPrompt,
  type GatewayExtension,
  type GatewayRequest,
  gatewayExtensionSchema,
  Invalid,
  type ModelConfig,
  type PromptReference,
  parsePromptReference,
} from "@promptline/core";

export const PROMPT_MODEL_PREFIX = "prompt:";

/** The X-Promptline-* headers a plain OpenAI client can send instead of the body extension. */
const HEADERS: Record<string, keyof GatewayExtension> = {
  "x-promptline-prompt": "prompt",
  "x-promptline-variables": "variables",
  "x-promptline-context": "context",
  "x-promptline-provider": "provider",
  "x-promptline-user-id": "userId",
  "x-promptline-session-id": "sessionId",
  "x-promptline-origin": "origin",
};
const JSON_HEADERS = new Set<keyof GatewayExtension>(["variables", "context"]);

/** What a request asks of the gateway once its three ways of naming things are merged. */
export interface GatewayIntent {
  prompt: PromptReference | undefined;
  extension: GatewayExtension;
  /** The request body without promptline's fields, as the provider will see it. */
  body: Record<string, unknown> & { model: string; messages: unknown[] };
  /** True when the model named a prompt, so the prompt's config picks the model. */
  modelFromPrompt: boolean;
}

function fail(message: string): never {
  throw new Invalid(message);
}

/**
 * Merges body extension, headers and `model: "prompt:…"` into one intent. The body wins over
 * headers; naming a prompt twice in different ways is refused rather than guessed at.
 */
export function readIntent(
  request: GatewayRequest,
  header: (name: string) => string | undefined,
): GatewayIntent {
  const { promptline, ...body } = request;
  const fromHeaders: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(HEADERS)) {
    const value = header(name);
    if (value === undefined) continue;
    if (!JSON_HEADERS.has(field)) {
      fromHeaders[field] = value;
      continue;
    }
    try {
      fromHeaders[field] = JSON.parse(value);
    } catch {
      fail(`header ${name} must be a JSON object, e.g. {"customer":"Ada"}`);
    }
  }
  // The header carries a whole reference (name@label, name#version), parsed below.
  const { prompt: headerPrompt, ...otherHeaders } = fromHeaders;
  if (headerPrompt !== undefined && promptline?.prompt !== undefined) {
    fail(
      "the prompt is named both in the body (promptline.prompt) and in X-Promptline-Prompt: name it once",
    );
  }
  const fromHeaderFields = readHeaderExtension(otherHeaders);
  const extension: GatewayExtension = { ...fromHeaderFields, ...promptline };

  const modelFromPrompt = body.model.startsWith(PROMPT_MODEL_PREFIX);
  let prompt: PromptReference | undefined;
  if (modelFromPrompt && headerPrompt !== undefined) {
    fail("the prompt is named both in model and in X-Promptline-Prompt: name it once");
  }
  const refText = modelFromPrompt
    ? body.model.slice(PROMPT_MODEL_PREFIX.length)
    : (headerPrompt as string | undefined);
  if (refText !== undefined) {
    const parsed = parsePromptReference(refText);
    if (typeof parsed === "string") fail(parsed);
    prompt = parsed;
  }
  if (promptline?.prompt !== undefined) {
    if (prompt && prompt.name !== promptline.prompt) {
      fail(
        `model names prompt '${prompt.name}' but promptline.prompt names '${promptline.prompt}': name it once`,
      );
    }
    prompt = { ...prompt, name: promptline.prompt };
  }
  if (prompt) {
    if (extension.label !== undefined) prompt.label = extension.label;
    if (extension.version !== undefined) prompt.version = extension.version;
    if (prompt.label !== undefined && prompt.version !== undefined) {
      fail("ask for a label or a version of the prompt, not both");
    }
  } else if (
    extension.label !== undefined ||
    extension.version !== undefined ||
    extension.variables !== undefined
  ) {
    fail(
      "promptline.label, version and variables need a prompt: set model to prompt:<name> or promptline.prompt",
    );
  }
  if (!prompt && body.messages.length === 0) {
    fail("messages must not be empty (or name a managed prompt to send its messages)");
  }
  return { prompt, extension, body: body as GatewayIntent["body"], modelFromPrompt };
}

/** Validates what the X-Promptline-* headers carried (most requests carry none). */
function readHeaderExtension(fields: Record<string, unknown>): GatewayExtension {
  if (Object.keys(fields).length === 0) return {};
  const check = gatewayExtensionSchema.safeParse(fields);
  if (!check.success) {
    fail(
      `X-Promptline-* headers: ${check.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return check.data;
}

/**
 * The assignment context of a gateway call: its `context`, with the request's user id as the
 * `userId` attribute (a rollout's default unit) unless the context names its own.
 */
export function callerContext(
  userId: string | undefined,
  context: Record<string, unknown> | undefined,
): AssignmentContext {
  return { ...(userId !== undefined && { userId }), ...context };
}

/** The request parameters a version's model config stands for, in OpenAI's names. */
export function configParams(config: ModelConfig | undefined): Record<string, unknown> {
  if (!config) return {};
  const params: Record<string, unknown> = { ...config.extra };
  if (config.temperature !== undefined) params.temperature = config.temperature;
  if (config.maxTokens !== undefined) params.max_tokens = config.maxTokens;
  if (config.topP !== undefined) params.top_p = config.topP;
  if (config.stop !== undefined) params.stop = config.stop;
  if (config.tools !== undefined) params.tools = config.tools;
  const format = config.responseFormat;
  if (format?.type === "json_schema") {
    params.response_format = {
      type: "json_schema",
      json_schema: {
        name: format.name,
        schema: format.schema,
        ...(format.strict !== undefined && { strict: format.strict }),
      },
    };
  } else if (format) {
    params.response_format = { type: format.type };
  }
  return params;
}

/** The compiled prompt as chat messages: a text prompt is one user message. */
export function promptMessages(compiled: CompiledPrompt): Array<{ role: string; content: string }> {
  return compiled.type === "text" ? [{ role: "user", content: compiled.text }] : compiled.messages;
}
