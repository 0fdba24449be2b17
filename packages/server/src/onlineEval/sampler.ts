/**
 * Picks, among the traces just stored, the production calls an online-evaluation rule covers,
 * each with the rule's probability, and offers them to the worker. It runs on the trace write's
 * path, so it returns at once: the rules come from memory (loaded, if need be, off that path),
 * and offering only queues.
 */
import type { StoredPromptTrace } from "../trace/ingest.js";
import { type RuleIndex, ruleKey } from "./service.js";
import type { ScoringJob } from "./worker.js";

export interface SamplerOptions {
  rulesFor(projectId: string): Promise<RuleIndex>;
  offer(job: ScoringJob): void;
  /** A number in [0, 1); Math.random unless a test decides. */
  random?: () => number;
  onError(error: unknown): void;
}

/** Which traces a rule covers: an application's successful call of the rule's environment. */
function covered(trace: StoredPromptTrace): trace is StoredPromptTrace & { label: string } {
  return trace.origin === "production" && trace.status === "ok" && trace.label !== null;
}

export function createSampler(
  options: SamplerOptions,
): (projectId: string, traces: StoredPromptTrace[]) => void {
  const random = options.random ?? Math.random;
  const sample = (projectId: string, traces: StoredPromptTrace[], rules: RuleIndex) => {
    if (rules.size === 0) return;
    for (const trace of traces) {
      if (!covered(trace)) continue;
      const rule = rules.get(ruleKey(trace.promptName, trace.label));
      if (!rule || rule.rate <= 0 || random() >= rule.rate) continue;
      options.offer({
        projectId,
        traceId: trace.id,
        promptName: trace.promptName,
        version: trace.promptVersion,
        scorers: rule.scorers,
      });
    }
  };
  return (projectId, traces) => {
    void options
      .rulesFor(projectId)
      .then((rules) => sample(projectId, traces, rules))
      .catch(options.onError);
  };
}
