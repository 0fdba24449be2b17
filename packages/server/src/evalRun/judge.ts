/**
 * LLM-as-judge: a judge is a managed prompt, compiled with the case's input, the output and the
 * reference, and called through the project's provider connections like any gateway call (its
 * trace has origin `evaluation`). Its answer must be JSON with a score in [0, 1] and its
 * reasoning; an answer that is not is asked again a bounded number of times, then recorded as an
 * error that quotes it, never as a zero. Used by evaluation runs and by online evaluation.
 */
import {
  DomainError,
  type EvalScore,
  type JudgeScorerSpec,
  LATEST,
  type PromptContent,
  scorerName,
} from "@promptline/core";
import type { GatewayService } from "../gateway/service.js";
import { ProviderError } from "../provider/upstream/types.js";
import type { ResolveService } from "../resolve/service.js";

/** Asked again at most this many times when the answer has no usable score. */
export const JUDGE_RETRIES = 2;
/** How much of an unusable answer the error quotes. */
const QUOTED_CHARS = 300;
const MAX_REASON_CHARS = 10_000;

/** What a judge looks at. */
export interface JudgeSubject {
  /** The case's variables (sent to the judge as JSON text). */
  input: unknown;
  output: string;
  /** The case's reference: text as it is, anything else as JSON; "" when there is none. */
  expected?: unknown;
}

export interface JudgeOptions {
  signal?: AbortSignal;
  /** Added to the judge call's trace metadata (e.g. the run, case and variant). */
  metadata?: Record<string, unknown>;
  /** Awaited before each call once the connection is known (a run's rate limit). */
  beforeCall?: (connection: string) => Promise<void>;
}

export type Judge = (
  projectId: string,
  spec: JudgeScorerSpec,
  subject: JudgeSubject,
  options?: JudgeOptions,
) => Promise<EvalScore>;

/** The structured output a judge is asked for when its own config asks for none. */
export const JUDGE_RESPONSE_FORMAT = {
  type: "json_schema",
  json_schema: {
    name: "judge_score",
    strict: true,
    schema: {
      type: "object",
      properties: {
        score: { type: "number", minimum: 0, maximum: 1 },
        reasoning: { type: "string" },
      },
      required: ["score", "reasoning"],
      additionalProperties: false,
    },
  },
} as const;

const asText = (value: unknown) =>
  value === undefined || value === null
    ? ""
    : typeof value === "string"
      ? value
      : JSON.stringify(value);

/** The score and reasoning in a judge's answer, or why there is none. */
export function readVerdict(answer: string): { score: number; reason: string | null } | string {
  const fenced = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?\s*```\s*$/i.exec(answer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fenced ? (fenced[1] as string) : answer);
  } catch {
    return "was not JSON";
  }
  const { score, reasoning } = (parsed ?? {}) as { score?: unknown; reasoning?: unknown };
  if (typeof score !== "number" || !Number.isFinite(score)) return "had no numeric score";
  if (score < 0 || score > 1) return `had a score of ${score}, outside [0, 1]`;
  return {
    score,
    reason: typeof reasoning === "string" ? reasoning.slice(0, MAX_REASON_CHARS) : null,
  };
}

const quote = (text: string) =>
  JSON.stringify(text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text);

export function createJudge(deps: { resolver: ResolveService; gateway: GatewayService }): Judge {
  return async (projectId, spec, subject, options = {}) => {
    const name = scorerName(spec);
    const failed = (error: string): EvalScore => ({ name, score: null, reason: null, error });
    let content: PromptContent;
    let version: number;
    try {
      const selector =
        spec.version !== undefined ? { version: spec.version } : { label: spec.label ?? LATEST };
      ({ content, version } = (
        await deps.resolver.resolve(projectId, spec.prompt, selector)
      ).prompt);
    } catch (error) {
      if (error instanceof DomainError) return failed(`judge prompt: ${error.message}`);
      throw error;
    }
    const variables = {
      input: asText((subject.input as { variables?: unknown } | null)?.variables ?? subject.input),
      output: subject.output,
      expected: asText(subject.expected),
    };
    let lastAnswer = "";
    let lastProblem = "";
    for (let attempt = 0; attempt <= JUDGE_RETRIES; attempt++) {
      try {
        const call = await deps.gateway.completeContent(
          projectId,
          {
            content,
            variables,
            promptTag: { name: spec.prompt, version },
            provider: spec.provider,
            model: spec.model,
            ...(!content.config?.responseFormat && {
              params: { response_format: JUDGE_RESPONSE_FORMAT },
            }),
            origin: "evaluation",
            metadata: { ...options.metadata, judge: name, attempt: attempt + 1 },
            ...(options.beforeCall && { beforeCall: options.beforeCall }),
          },
          options.signal,
        );
        lastAnswer = call.text;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (error instanceof ProviderError || error instanceof DomainError) {
          return failed(`the judge call failed: ${error.message}`);
        }
        throw error;
      }
      const verdict = readVerdict(lastAnswer);
      if (typeof verdict !== "string") {
        return { name, score: verdict.score, reason: verdict.reason, error: null };
      }
      lastProblem = verdict;
    }
    return failed(
      `the judge's answer ${lastProblem}, ${JUDGE_RETRIES + 1} times; it last answered ${quote(lastAnswer)}`,
    );
  };
}
