import { setTimeout as wait } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { anthropicRequest, anthropicStreamTranslator, completeAnthropic } from "./anthropic.js";
import { answerAsEcho } from "./echo.js";
import {
  AnswerTooLarge,
  AttemptDeadline,
  postJson,
  transportFailure,
  type UpstreamRequest,
} from "./http.js";
import {
  type ChatCompletion,
  ChunkAccumulator,
  OpenAIStreamTranslator,
  type OutcomeFields,
  openaiRequest,
  outcomeOfCompletion,
  outcomeSettler,
  wantsStreamUsage,
} from "./openai.js";
import { relayStream, type StreamTranslator } from "./sse.js";
import {
  type ChatCompletionBody,
  ProviderError,
  type ProviderKind,
  type ProviderResponse,
  type ProviderTarget,
} from "./types.js";
import { identifiersOfAnswer, secretsOf } from "./untrusted.js";

export interface CallOptions {
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Default 500. */
  backoffBaseMs?: number;
  /** Default 20000. */
  maxBackoffMs?: number;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504, 529]);
/** A provider's answer is read into memory up to this; a larger one is a failed call. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Of a failed answer only the start is read: only its error identifiers are ever shown. */
const MAX_ERROR_BYTES = 64 * 1024;

/** The body as text, up to `max` bytes; past them the read fails, or stops with what it has. */
async function readBounded(
  body: AsyncIterable<Buffer> & { destroy(): void },
  max: number,
  past: "fail" | "cut",
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) {
      body.destroy();
      if (past === "cut") break;
      throw new AnswerTooLarge(max);
    }
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, max);
}

/** How one kind of provider is spoken to, in OpenAI's shape on the gateway's side. */
interface ProviderAdapter {
  request(target: ProviderTarget, body: ChatCompletionBody): UpstreamRequest;
  /** The client's body and the outcome of a complete answer; throws if it cannot be read. */
  complete(text: string, created: number): { body: string; fields: OutcomeFields };
  /** `target` names the connection in any error the stream reports. */
  translator(
    body: ChatCompletionBody,
    accumulator: ChunkAccumulator,
    created: number,
    target: ProviderTarget,
  ): StreamTranslator;
}

const adapters: Record<Exclude<ProviderKind, "echo">, ProviderAdapter> = {
  openai: {
    request: openaiRequest,
    // The upstream's text goes to the client unchanged; it is parsed only for the outcome.
    complete: (text) => ({
      body: text,
      fields: outcomeOfCompletion(JSON.parse(text) as ChatCompletion),
    }),
    translator: (body, accumulator, _created, target) =>
      new OpenAIStreamTranslator(accumulator, !wantsStreamUsage(body), target),
  },
  anthropic: {
    request: anthropicRequest,
    complete: completeAnthropic,
    translator: anthropicStreamTranslator,
  },
};

/** One provider call under way: what is sent, and the clock it is timed by. */
interface Call {
  target: ProviderTarget;
  body: ChatCompletionBody;
  adapter: ProviderAdapter;
  upstream: UpstreamRequest;
  startedAt: number;
  now: () => number;
  signal: AbortSignal | undefined;
}

type Attempt =
  | { response: ProviderResponse }
  | { failure: ProviderError; retryable: boolean; headers?: Dispatcher.ResponseData["headers"] };

/**
 * Calls a provider with an OpenAI Chat Completions body and answers in OpenAI's shape. Throws
 * ProviderError when no response could start (after retries); failures once a stream has started
 * end the stream with an error event instead. A cancelled `signal` rejects with its reason.
 */
export async function callProvider(
  target: ProviderTarget,
  body: ChatCompletionBody,
  options: CallOptions = {},
): Promise<ProviderResponse> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const startedAt = now();
  options.signal?.throwIfAborted();
  if (target.kind === "echo") return answerAsEcho(body, { startedAt, now, random });
  const adapter = adapters[target.kind];
  const call: Call = {
    target,
    body,
    adapter,
    upstream: adapter.request(target, body),
    startedAt,
    now,
    signal: options.signal,
  };
  const sleep = options.sleep ?? ((ms: number) => wait(ms, undefined, { signal: options.signal }));
  for (let attempt = 0; ; attempt++) {
    const result = await attemptCall(call);
    if ("response" in result) return result.response;
    const delayMs =
      result.retryable && attempt < target.maxRetries
        ? retryDelayMs(result.headers, attempt, {
            now: now(),
            random,
            backoffBaseMs: options.backoffBaseMs ?? 500,
            maxBackoffMs: options.maxBackoffMs ?? 20_000,
          })
        : undefined;
    if (delayMs === undefined) throw result.failure;
    await sleep(delayMs);
    options.signal?.throwIfAborted();
  }
}

async function attemptCall(call: Call): Promise<Attempt> {
  const { target } = call;
  const deadline = new AttemptDeadline(target.timeoutMs, call.signal);
  let status: number;
  let text: string;
  try {
    const response = await postJson(call.upstream, deadline, target.timeoutMs);
    status = response.statusCode;
    if (status >= 200 && status < 300 && call.body.stream === true) {
      return { response: relayResponse(call, response, deadline) };
    }
    // Reading failed answers to the end also frees their connection for the next request.
    const ok = status >= 200 && status < 300;
    text = ok
      ? await readBounded(response.body, MAX_ANSWER_BYTES, "fail")
      : await readBounded(response.body, MAX_ERROR_BYTES, "cut");
    deadline.release();
    if (!ok) {
      const failure = ProviderError.answered(
        target.name,
        status,
        identifiersOfAnswer(text, secretsOf(target)),
      );
      return { failure, retryable: RETRYABLE_STATUSES.has(status), headers: response.headers };
    }
  } catch (error) {
    deadline.release();
    if (deadline.cancelledByCaller) throw error;
    return { failure: transportFailure(target, error, deadline), retryable: true };
  }
  return completeResponse(call, status, text);
}

function completeResponse(call: Call, status: number, text: string): Attempt {
  let answer: ReturnType<ProviderAdapter["complete"]>;
  try {
    answer = call.adapter.complete(text, Math.floor(call.now() / 1000));
  } catch {
    const failure = new ProviderError(
      call.target.name,
      status,
      "its answer could not be read",
      "http",
    );
    return { failure, retryable: false };
  }
  return {
    response: {
      stream: false,
      status,
      body: answer.body,
      outcome: { status: "ok", ...answer.fields, latencyMs: call.now() - call.startedAt },
    },
  };
}

function relayResponse(
  call: Call,
  response: Dispatcher.ResponseData,
  deadline: AttemptDeadline,
): ProviderResponse {
  // From here on the body timeout bounds the silence between chunks.
  deadline.stopTimer();
  const accumulator = new ChunkAccumulator(call.now);
  const { outcome, settle } = outcomeSettler(accumulator, call.startedAt, call.now, () =>
    deadline.release(),
  );
  const translator = call.adapter.translator(
    call.body,
    accumulator,
    Math.floor(call.now() / 1000),
    call.target,
  );
  const describeFailure = (error: unknown) =>
    deadline.cancelledByCaller
      ? "the request was cancelled"
      : transportFailure(call.target, error, deadline).message;
  return {
    stream: true,
    status: response.statusCode,
    chunks: relayStream(response.body, translator, settle, describeFailure),
    outcome,
  };
}

export interface RetryPolicy {
  /** The current time, for Retry-After dates. */
  now: number;
  random: () => number;
  backoffBaseMs: number;
  maxBackoffMs: number;
}

/**
 * How long to wait before retry number `attempt` (0 for the first): what the provider asked for in
 * retry-after-ms or Retry-After, else exponential backoff with full jitter. Undefined when the
 * provider asks for longer than the policy allows: waiting that long would only hold the client.
 */
export function retryDelayMs(
  headers: Dispatcher.ResponseData["headers"] | undefined,
  attempt: number,
  policy: RetryPolicy,
): number | undefined {
  const requested = requestedDelayMs(headers, policy.now);
  if (requested !== undefined) return requested <= policy.maxBackoffMs ? requested : undefined;
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

function requestedDelayMs(
  headers: Dispatcher.ResponseData["headers"] | undefined,
  now: number,
): number | undefined {
  const milliseconds = firstValue(headers?.["retry-after-ms"])?.trim();
  if (milliseconds && Number(milliseconds) >= 0) return Number(milliseconds);
  const retryAfter = firstValue(headers?.["retry-after"])?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
