import {
  compileContent,
  type GatewayRequest,
  Invalid,
  type ParsedTraceInput,
  type Principal,
  timeOrderedId,
  tokenCountSchema,
} from "@promptline/core";
import type { ServiceContext } from "../context.js";
import type { PromptService } from "../prompt/service.js";
import type { ProviderService } from "../provider/service.js";
import { callProvider } from "../provider/upstream/call.js";
import {
  type CallOutcome,
  type ChatCompletionBody,
  ProviderError,
  type ProviderResponse,
} from "../provider/upstream/types.js";
import type { ResolveService } from "../resolve/service.js";
import { configParams, type GatewayIntent, promptMessages, readIntent } from "./request.js";

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
}

/** Hears each finished call, off the response's critical path. */
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
  async function prepare(projectId: string, intent: GatewayIntent) {
    const { prompt, extension } = intent;
    let body: ChatCompletionBody = intent.body;
    let promptTag: ParsedTraceInput["prompt"];
    let providerName = extension.provider;
    if (prompt) {
      // `@draft` runs the unpublished draft (the playground compares it with what is deployed).
      const resolved =
        prompt.label === DRAFT
          ? await deps.prompts.requirePrompt(projectId, prompt.name).then((p) => ({
              name: p.name,
              version: undefined,
              label: DRAFT,
              content: p.draft,
            }))
          : (await deps.resolver.resolve(projectId, prompt.name, prompt)).prompt;
      const compiled = compileContent(
        resolved.content,
        extension.variables ?? {},
        extension.placeholders ?? {},
      );
      const config = resolved.content.config;
      providerName ??= config?.provider;
      // The version's config is the default; what the caller set explicitly wins.
      body = {
        ...configParams(config),
        ...intent.body,
        model: intent.modelFromPrompt ? (config?.model ?? "") : intent.body.model,
        messages: [...promptMessages(compiled), ...intent.body.messages],
      };
      promptTag = {
        name: resolved.name,
        ...(resolved.version !== undefined && { version: resolved.version }),
        ...(resolved.label !== null && { label: resolved.label }),
      };
    }
    const target = await deps.providers.targetFor(projectId, providerName);
    if (body.model === "") {
      if (!target.defaultModel) {
        throw new Invalid(
          `prompt '${promptTag?.name}' ${promptTag?.version === undefined ? "draft" : `version ${promptTag.version}`} sets no model in its config, and provider '${target.name}' has no defaultModel: set one of them, or send a model name and the prompt in promptline.prompt`,
        );
      }
      body = { ...body, model: target.defaultModel };
    }
    return { body, target, promptTag };
  }

  return {
    async complete(principal, request, header, signal) {
      const intent = readIntent(request, header);
      const { body, target, promptTag } = await prepare(principal.projectId, intent);
      const { extension } = intent;
      const traceId = timeOrderedId(ctx.clock.now().getTime());
      const startedAt = ctx.clock.now();
      const userId = extension.userId ?? (typeof body.user === "string" ? body.user : undefined);
      const trace = (outcome: CallOutcome): ParsedTraceInput => ({
        id: traceId,
        startTime: startedAt.toISOString(),
        endTime: new Date(startedAt.getTime() + outcome.latencyMs).toISOString(),
        ...(promptTag && { prompt: promptTag }),
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
        origin: extension.origin ?? "production",
        ...(outcome.error !== undefined && { error: outcome.error.slice(0, 10_000) }),
        ...(userId !== undefined && { userId: userId.slice(0, 256) }),
        ...(extension.sessionId !== undefined && { sessionId: extension.sessionId }),
        metadata: {
          ...extension.traceMetadata,
          stream: body.stream === true,
          ...(outcome.finishReason !== undefined && { finishReason: outcome.finishReason }),
          ...(extension.context !== undefined && { context: extension.context }),
          // What the prompt was filled with: the playground replays a trace from these.
          ...(extension.variables !== undefined && { variables: extension.variables }),
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
          principal.projectId,
          trace({ status: "error", error: (error as Error).message, usage: {}, latencyMs }),
        );
        if (error instanceof ProviderError) error.traceId = traceId;
        throw error;
      }
      if (response.stream) {
        void response.outcome.then((outcome) => deps.record(principal.projectId, trace(outcome)));
      } else {
        deps.record(principal.projectId, trace(response.outcome));
      }
      return { traceId, response };
    },
  };
}
