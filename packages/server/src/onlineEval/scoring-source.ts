/**
 * What the online-evaluation worker reads and writes: the stored trace as the scorers see it
 * (its output as text, the version's output constraints) and the scores it attaches to it.
 */
import type { OutputConstraints, Redactor } from "@promptline/core";
import { nowIso, type ServiceContext } from "../context.js";
import { findPromptByName } from "../prompt/store.js";
import { scoreRow } from "../trace/scores.js";
import { findTraceRow, insertScores } from "../trace/store.js";
import { findVersion } from "../version/store.js";
import { hasScoresBy } from "./store.js";
import type { OnlineEvalWorkerOptions } from "./worker.js";

/** Who the scores say gave them, in the trace view and the audit of scores. */
export const ONLINE_EVAL_ACTOR = "online-eval";

/** The text of a message's content: a string, or its text parts joined. */
function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content
    .map((part: { text?: unknown } | null) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
  return texts === "" ? undefined : texts;
}

/**
 * A trace's output as the scorers read it: text as it is; from messages (what the gateway
 * stores), the last assistant message's text; anything else (a tool call, a JSON answer) as its
 * JSON text. Undefined when the trace has no output.
 */
export function outputText(output: unknown): string | undefined {
  if (output === null || output === undefined) return undefined;
  if (typeof output === "string") return output;
  const messages = Array.isArray(output) ? output : [output];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null;
    if (message && (message.role === undefined || message.role === "assistant")) {
      const text = contentText(message.content);
      if (text !== undefined) return text;
    }
  }
  return JSON.stringify(output);
}

/** The constraints of versions seen lately: versions never change, so they need no invalidation. */
const MAX_CACHED_VERSIONS = 1000;

export function createScoringSource(
  ctx: ServiceContext,
  redact: Redactor,
): Pick<OnlineEvalWorkerOptions, "load" | "attach"> {
  const { db } = ctx.engine;
  const constraintsOf = new Map<string, OutputConstraints | undefined>();

  async function versionConstraints(
    projectId: string,
    promptName: string,
    version: number | null,
  ): Promise<OutputConstraints | undefined> {
    if (version === null) return undefined;
    const key = `${projectId}\u0000${promptName}\u0000${version}`;
    if (constraintsOf.has(key)) return constraintsOf.get(key);
    const prompt = await findPromptByName(db, projectId, promptName);
    const row = prompt ? await findVersion(db, prompt.id, version) : undefined;
    const constraints = row?.content.constraints;
    if (constraintsOf.size >= MAX_CACHED_VERSIONS) constraintsOf.clear();
    constraintsOf.set(key, constraints);
    return constraints;
  }

  return {
    async load(job) {
      const trace = await findTraceRow(db, job.projectId, job.traceId);
      if (!trace) return "trace_gone";
      // A batch sent again (a client's retry) is stored once but heard of twice.
      if (await hasScoresBy(db, job.projectId, job.traceId, ONLINE_EVAL_ACTOR))
        return "already_scored";
      const output = outputText(trace.output);
      if (output === undefined) return "no_output";
      const variables = (trace.metadata as { variables?: unknown }).variables;
      return {
        output,
        input: variables ?? trace.input,
        latencyMs: trace.latencyMs,
        cost: trace.cost,
        constraints: await versionConstraints(job.projectId, job.promptName, job.version),
      };
    },

    async attach(job, scores) {
      const createdAt = nowIso(ctx);
      await insertScores(
        db,
        scores.map((s) =>
          scoreRow(
            redact,
            { projectId: job.projectId, traceId: job.traceId, id: ctx.newId() },
            { name: s.name, value: s.value, comment: s.comment.slice(0, 2000) },
            { source: "evaluation", actor: ONLINE_EVAL_ACTOR, createdAt },
          ),
        ),
      );
    },
  };
}
