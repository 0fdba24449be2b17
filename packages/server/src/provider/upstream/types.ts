export type ProviderKind = "openai" | "anthropic" | "echo";

/** A provider connection, decrypted and ready to call. */
export interface ProviderTarget {
  /** The connection's name in the project, used in error messages. */
  name: string;
  kind: ProviderKind;
  /**
   * openai default https://api.openai.com/v1, anthropic default https://api.anthropic.com. May carry
   * a query string (Azure: ...?api-version=2024-10-21), which stays after the endpoint's path.
   */
  baseUrl: string | null;
  apiKey: string | null;
  /**
   * openai kind: null sends "Authorization: Bearer <key>"; otherwise the key goes raw in this header
   * (Azure uses "api-key"). The anthropic kind always uses x-api-key.
   */
  apiKeyHeader: string | null;
  /**
   * Non-streaming: the whole of each attempt. Streaming: time to the response headers, then the
   * longest silence allowed between chunks.
   */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
}

/** An OpenAI Chat Completions request body (the gateway's lingua franca). */
export type ChatCompletionBody = Record<string, unknown> & {
  model: string;
  messages: unknown[];
  stream?: boolean | null;
};

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** What the tracing layer records about one call. */
export interface CallOutcome {
  status: "ok" | "error";
  error?: string;
  /** The model the provider says answered. */
  model?: string;
  /** The assistant message(s), OpenAI message shape: [{ role: "assistant", content, tool_calls? }]. */
  output?: unknown;
  usage: TokenUsage;
  /** From the call start (before any retries) to the last byte. */
  latencyMs: number;
  /** Streaming only: from the call start to the first chunk that carries content. */
  timeToFirstTokenMs?: number;
  finishReason?: string;
}

export type ProviderResponse =
  | {
      stream: false;
      status: number;
      /** chat.completion JSON text in OpenAI shape, sent to the client as is. */
      body: string;
      outcome: CallOutcome;
    }
  | {
      stream: true;
      status: number;
      /**
       * SSE text in OpenAI chat.completion.chunk format: each item one or more complete
       * "data: {...}\n\n" events; the final item ends with "data: [DONE]\n\n", or is an error event.
       */
      chunks: AsyncIterable<string>;
      /** Settles once the stream ended, failed or was abandoned by the consumer; never rejects. */
      outcome: Promise<CallOutcome>;
    };

/** too_large: an answer past the size the server reads into memory. */
export type ProviderErrorKind = "http" | "timeout" | "network" | "too_large";

/** The machine identifiers of a provider's error (`error.type`, `error.code`), where safe to show. */
export interface UpstreamIdentifiers {
  type?: string;
  code?: string;
}

/** " (type: …, code: …)" for the identifiers there are; "" for none. */
export function describeIdentifiers(identifiers: UpstreamIdentifiers): string {
  const parts = [
    ...(identifiers.type ? [`type: ${identifiers.type}`] : []),
    ...(identifiers.code ? [`code: ${identifiers.code}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** What an error status means, in the server's words: a provider's own words are never shown. */
export function explainStatus(status: number): string {
  if (status === 401 || status === 403) return "the provider refused the connection's key";
  if (status === 404) return "the model or endpoint was not found";
  if (status === 429) return "rate limited";
  if (status >= 400 && status < 500) return "the provider refused the request";
  if (status >= 500) return "the provider failed";
  return "the provider answered with an unexpected status";
}

/**
 * A call that failed before its response could start. The message is the server's own words with
 * the connection's name: never the provider's text, its key or its URL (a URL may carry
 * credentials in its query).
 */
export class ProviderError extends Error {
  /** The trace the gateway recorded for the failed call, once it has. */
  traceId?: string;

  constructor(
    readonly provider: string,
    /** The upstream HTTP status; null for network failures and timeouts. */
    readonly status: number | null,
    /** What went wrong (http), the silence observed (timeout), or the transport's error code. */
    readonly detail: string,
    readonly kind: ProviderErrorKind,
    readonly upstream: UpstreamIdentifiers = {},
  ) {
    super(
      kind === "http"
        ? `provider '${provider}' answered ${status}: ${detail}${describeIdentifiers(upstream)}`
        : kind === "timeout" || kind === "too_large"
          ? `provider '${provider}' ${detail}`
          : `provider '${provider}' could not be reached: ${detail}`,
    );
    this.name = "ProviderError";
  }

  /** An error answer: its status explained, and the identifiers that are safe to show. */
  static answered(provider: string, status: number, upstream: UpstreamIdentifiers): ProviderError {
    return new ProviderError(provider, status, explainStatus(status), "http", upstream);
  }

  static timedOut(provider: string, timeoutMs: number): ProviderError {
    return new ProviderError(provider, null, `did not answer within ${timeoutMs} ms`, "timeout");
  }

  /** The provider was reached and answered, with more than the server reads into memory. */
  static tooLarge(provider: string, maxBytes: number): ProviderError {
    const MiB = 1024 * 1024;
    const size = maxBytes % MiB === 0 ? `${maxBytes / MiB} MiB` : `${maxBytes} bytes`;
    return new ProviderError(
      provider,
      null,
      `answered with more than ${size}: the server reads at most ${size} of an answer`,
      "too_large",
    );
  }

  static unreachable(provider: string, cause: string): ProviderError {
    return new ProviderError(provider, null, cause, "network");
  }
}
