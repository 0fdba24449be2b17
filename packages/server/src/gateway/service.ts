import {
  type AssignmentContext,
  type ChatMessage,
  compileContent,
  type GatewayRequest,
  Invalid,
  type ParsedTraceInput,
  type Principal,
  type PromptContent,
  type PromptReference,
  type RolloutVariant,
  type TraceOrigin,
  timeOrderedId,
  tokenCountSchema,
} from "@promptline/core";
import type { ServiceContext } from "../context.js";
import type { PromptService } from "../prompt/service.js";
import type { ConnectionTarget, ProviderService } from "../provider/service.js";
import { callProvider } from "../provider/upstream/call.js";
import {
  type CallOutcome,
  type ChatCompletionBody,
  ProviderError,
  type ProviderResponse,
} from "../provider/upstream/types.js";
import type { ResolveService } from "../resolve/service.js";
import {
  callerContext,
  configParams,
  type GatewayIntent,
  promptMessages,
  readIntent,
} from "./request.js";

export interface GatewayCall {
  traceId: string;
  response: ProviderResponse;
}

export interface GatewayService {
  /**
   * Resolves and compiles the named prompt, merges it into the request, calls the provider and
   * hands back its answer. The trace is recorded in the background once the answer is complete.
   */
  complete(
    principal: Principal,
    request: GatewayRequest,
    header: (name: string) => string | undefined,
    signal?: AbortSignal,
  ): Promise<GatewayCall>;
  /**
   * The same provider path for content already resolved, without an HTTP request (evaluation
   * runs and judges): compiles it with the variables, calls the provider (not streamed) and
   * records the trace like any gateway call. Throws ProviderError when the call fails (its trace
   * is recorded too) and Invalid when the content cannot be compiled or has no model.
   */
  completeContent(
    projectId: string,
    call: ContentCall,
    signal?: AbortSignal,
  ): Promise<ContentCallResult>;
}

/** A call of resolved content: what evaluation runs and judges send. */
export interface ContentCall {
  content: PromptContent;
  variables: Record<string, unknown>;
  placeholders?: Record<string, ChatMessage[]> | undefined;
  /** What the trace names: the prompt, and its version when it is one. */
  promptTag?: ParsedTraceInput["prompt"];
  /** A connection and model other than the content's own config. */
  provider?: string | null | undefined;
  model?: string | null | undefined;
  /** Request parameters over the content's config (e.g. a judge's response_format). */
  params?: Record<string, unknown>;
  origin: TraceOrigin;
  metadata?: Record<string, unknown>;
  /** Awaited once the connection is known, just before the call (rate limits). */
  beforeCall?: (connection: string) => Promise<void>;
}

export interface ContentCallResult {
  traceId: string;
  /** The connection the call went through, and the model asked for. */
  connection: string;
  model: string;
  outcome: CallOutcome;
  /** The assistant's text; its tool calls as JSON text when it answered with those only. */
  text: string;
}

/** The assistant's answer as text, from a call's outcome (OpenAI message shape). */
function answerText(output: unknown): string {
  const message = Array.isArray(output)
    ? (output[0] as Record<string, unknown> | undefined)
    : undefined;
  if (!message) return "";
  const { content } = message;
  if (typeof content === "string" && content !== "") return content;
  if (Array.isArray(content)) {
    const text = content
      .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
      .join("");
    if (text !== "") return text;
  }
  return message.tool_calls === undefined ? "" : JSON.stringify(message.tool_calls);
}

/** What a trace says besides the call itself. */
interface TraceTags {
  promptTag: ParsedTraceInput["prompt"];
  /** The rollout variant that served the call, when a rollout assigned its version. */
  variant?: RolloutVariant | undefined;
  origin: TraceOrigin;
  userId?: string | undefined;
  sessionId?: string | undefined;
  /** Metadata before the call's own fields (stream, finishReason) and after them. */
  before?: Record<string, unknown> | undefined;
  after?: Record<string, unknown>;
}

/** The label that names a prompt's draft rather than a deployed version. */
const DRAFT = "draft";
/** A count the trace schema would take (whole, not negative, storable), else nothing. */
const storableCount = (n: unknown) =>
  tokenCountSchema.safeParse(n).success ? (n as number) : undefined;

function storableUsage(usage: CallOutcome["usage"] | undefined): ParsedTraceInput["usage"] {
  const fields = {
    inputTokens: storableCount(usage?.inputTokens),
    outputTokens: storableCount(usage?.outputTokens),
    totalTokens: storableCount(usage?.totalTokens),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export type TraceSink = (projectId: string, trace: ParsedTraceInput) => void;

export function createGatewayService(
  ctx: ServiceContext,
  deps: {
    resolver: ResolveService;
    prompts: PromptService;
    providers: ProviderService;
    record: TraceSink;
  },
): GatewayService {
  /** The compiled content before the request's messages, its config under what the caller set. */
  function mergeContent(
    content: PromptContent,
    variables: Record<string, unknown>,
    placeholders: Record<string, ChatMessage[]>,
    body: ChatCompletionBody,
    model: string,
  ): ChatCompletionBody {
    const compiled = compileContent(content, variables, placeholders);
    return {
      ...configParams(content.config),
      ...body,
      model,
      messages: [...promptMessages(compiled), ...body.messages],
    };
  }

  /** The body with a model: the connection's default when neither request nor prompt names one. */
  function withModel(
    body: ChatCompletionBody,
    target: ConnectionTarget,
    promptTag: ParsedTraceInput["prompt"],
  ): ChatCompletionBody {
    if (body.model !== "") return body;
    if (!target.defaultModel) {
      throw new Invalid(
        `prompt '${promptTag?.name}' ${promptTag?.version === undefined ? "draft" : `version ${promptTag.version}`} sets no model in its config, and provider '${target.name}' has no defaultModel: set one of them, or send a model name and the prompt in promptline.prompt`,
      );
    }
    return { ...body, model: target.defaultModel };
  }

  /**
   * The prompt a request names, as resolved for this caller: the draft for `@draft`, the version
   * asked for, or the label's version, assigned by the label's running rollout when the caller
   * has its unit (the request's user id, or an attribute of its context).
   */
  async function resolveForCaller(
    projectId: string,
    prompt: PromptReference,
    caller: AssignmentContext,
  ) {
    if (prompt.label === DRAFT) {
      const draft = await deps.prompts.requirePrompt(projectId, prompt.name);
      return {
        name: draft.name,
        version: undefined,
        label: DRAFT,
        content: draft.draft,
        variant: undefined,
      };
    }
    return (await deps.resolver.resolveFor(projectId, prompt.name, prompt, caller)).prompt;
  }

  async function prepare(projectId: string, intent: GatewayIntent, caller: AssignmentContext) {
    const { prompt, extension } = intent;
    let body: ChatCompletionBody = intent.body;
    let promptTag: ParsedTraceInput["prompt"];
    let variant: RolloutVariant | undefined;
    let providerName = extension.provider;
    if (prompt) {
      const resolved = await resolveForCaller(projectId, prompt, caller);
      variant = resolved.variant;
      const config = resolved.content.config;
      providerName ??= config?.provider;
      // The version's config is the default; what the caller set explicitly wins.
      body = mergeContent(
        resolved.content,
        extension.variables ?? {},
        extension.placeholders ?? {},
        intent.body,
        intent.modelFromPrompt ? (config?.model ?? "") : intent.body.model,
      );
      promptTag = {
        name: resolved.name,
        ...(resolved.version !== undefined && { version: resolved.version }),
        ...(resolved.label !== null && { label: resolved.label }),
      };
    }
    const target = await deps.providers.targetFor(projectId, providerName);
    return { body: withModel(body, target, promptTag), target, promptTag, variant };
  }

  /** Calls the provider and records the call's trace, however it ends. */
  async function send(
    projectId: string,
    body: ChatCompletionBody,
    target: ConnectionTarget,
    tags: TraceTags,
    signal: AbortSignal | undefined,
  ): Promise<GatewayCall> {
    const traceId = timeOrderedId(ctx.clock.now().getTime());
    const startedAt = ctx.clock.now();
    const { promptTag, userId, variant } = tags;
    const trace = (outcome: CallOutcome): ParsedTraceInput => ({
      id: traceId,
      startTime: startedAt.toISOString(),
      endTime: new Date(startedAt.getTime() + outcome.latencyMs).toISOString(),
      ...(promptTag && { prompt: promptTag }),
      ...(variant !== undefined && { variant }),
      provider: target.name,
      // What a provider reports is not checked by anyone else: keep only what fits.
      model: typeof outcome.model === "string" ? outcome.model : body.model,
      input: body.messages,
      ...(outcome.output !== undefined && { output: outcome.output }),
      usage: storableUsage(outcome.usage),
      latencyMs: outcome.latencyMs,
      ...(outcome.timeToFirstTokenMs !== undefined && {
        timeToFirstTokenMs: outcome.timeToFirstTokenMs,
      }),
      status: outcome.status,
      origin: tags.origin,
      ...(outcome.error !== undefined && { error: outcome.error.slice(0, 10_000) }),
      ...(userId !== undefined && { userId: userId.slice(0, 256) }),
      ...(tags.sessionId !== undefined && { sessionId: tags.sessionId }),
      metadata: {
        ...tags.before,
        stream: body.stream === true,
        ...(outcome.finishReason !== undefined && { finishReason: outcome.finishReason }),
        ...tags.after,
      },
    });
    let response: ProviderResponse;
    try {
      response = await callProvider(target, body, signal ? { signal } : {});
    } catch (thrown) {
      // Translating the request for another API fails on shapes it cannot carry.
      const error =
        thrown instanceof TypeError
          ? new Invalid(
              `the request has a shape provider '${target.name}' (${target.kind}) cannot take: ${thrown.message}`,
            )
          : thrown;
      const latencyMs = ctx.clock.now().getTime() - startedAt.getTime();
      deps.record(
        projectId,
        trace({ status: "error", error: (error as Error).message, usage: {}, latencyMs }),
      );
      if (error instanceof ProviderError) error.traceId = traceId;
      throw error;
    }
    if (response.stream) {
      void response.outcome.then((outcome) => deps.record(projectId, trace(outcome)));
    } else {
      deps.record(projectId, trace(response.outcome));
    }
    return { traceId, response };
  }

  return {
    async complete(principal, request, header, signal) {
      const intent = readIntent(request, header);
      const { extension } = intent;
      const userId =
        extension.userId ?? (typeof intent.body.user === "string" ? intent.body.user : undefined);
      const { body, target, promptTag, variant } = await prepare(
        principal.projectId,
        intent,
        callerContext(userId, extension.context),
      );
      return send(
        principal.projectId,
        body,
        target,
        {
          promptTag,
          variant,
          origin: extension.origin ?? "production",
          userId,
          sessionId: extension.sessionId,
          before: extension.traceMetadata,
          after: {
            ...(extension.context !== undefined && { context: extension.context }),
            // What the prompt was filled with: the playground replays a trace from these.
            ...(extension.variables !== undefined && { variables: extension.variables }),
          },
        },
        signal,
      );
    },

    async completeContent(projectId, call, signal) {
      const { content } = call;
      const target = await deps.providers.targetFor(
        projectId,
        call.provider ?? content.config?.provider,
      );
      const merged = mergeContent(
        content,
        call.variables,
        call.placeholders ?? {},
        { ...call.params, model: "", messages: [] },
        call.model ?? content.config?.model ?? "",
      );
      const body = withModel({ ...merged, stream: false }, target, call.promptTag);
      await call.beforeCall?.(target.name);
      signal?.throwIfAborted();
      const { traceId, response } = await send(
        projectId,
        body,
        target,
        {
          promptTag: call.promptTag,
          origin: call.origin,
          before: call.metadata,
          after: { variables: call.variables },
        },
        signal,
      );
      const outcome = response.stream ? await response.outcome : response.outcome;
      return {
        traceId,
        connection: target.name,
        model: body.model,
        outcome,
        text: answerText(outcome.output),
      };
    },
  };
}
