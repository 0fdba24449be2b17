import { ApiError } from "@promptline/client";
import type { PromptContent } from "@promptline/core";
import { api } from "../client.js";

export const EXAMPLE_PROMPT = "examples/support-reply";
const EXAMPLE_PROVIDER = "example-echo";

const content = (system: string): PromptContent => ({
  type: "chat",
  messages: [
    { role: "system", content: system },
    { type: "placeholder", name: "history" },
    { role: "user", content: "{{question}}" },
  ],
  variables: { product: { type: "string", default: "Acme Cloud" } },
  config: { provider: EXAMPLE_PROVIDER, model: "echo" },
});

const V1 = "You answer support questions about {{product}}. Be accurate.";
const V2 =
  "You answer support questions about {{product}}. Be accurate and kind, and end with a next step.";

const HOUR = 3_600_000;

/** A day of calls to the two versions, some with feedback: what the dashboard and traces show. */
function exampleTraces(now: number) {
  return Array.from({ length: 12 }, (_, i) => {
    const version = i % 3 === 0 ? 2 : 1;
    return {
      // Fixed ids: sending the batch again stores nothing twice.
      id: `example-support-reply-${i + 1}`,
      // Within the last 23 hours, so the dashboard's "last 24 hours" shows every one.
      startTime: new Date(now - (12 - i) * 1.9 * HOUR).toISOString(),
      latencyMs: version === 2 ? 380 + i * 10 : 520 + i * 12,
      prompt: { name: EXAMPLE_PROMPT, version, label: version === 2 ? "staging" : "production" },
      provider: EXAMPLE_PROVIDER,
      model: "echo",
      input: [{ role: "user", content: `Where is my invoice #${1000 + i}?` }],
      output: [{ role: "assistant", content: "Invoices are under Billing → History." }],
      usage: { inputTokens: 120 + i, outputTokens: 40 + i },
      userId: `customer-${(i % 4) + 1}`,
      ...(i % 4 === 1 && { scores: [{ name: "feedback", value: version === 2 ? 1 : 0 }] }),
      // Two calls that failed, so the error filter and the error rate have something to show.
      ...((i === 4 || i === 10) && {
        status: "error" as const,
        output: undefined,
        error: "the provider did not answer within 30 s",
      }),
    };
  });
}

/**
 * Whether the prompts list should offer the example: the workspace is empty, or holds only an
 * example that was interrupted before its last deploy (creating it again finishes it).
 */
export function offersExample(prompts: Array<{ name: string; labels: Record<string, number> }>) {
  const [only] = prompts;
  if (!only) return true;
  return prompts.length === 1 && only.name === EXAMPLE_PROMPT && only.labels.staging !== 2;
}

const exists = async (load: () => Promise<unknown>) => {
  try {
    await load();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
};

/**
 * Makes the example a newcomer can look around: an echo connection, a prompt with two versions
 * (production serves v1; staging served v1, then v2, so it can be rolled back) and a day of
 * traces, two of them failed. Each step looks before it acts, so a
 * second click after an interruption finishes what the first began, and changes nothing else.
 */
export async function createExample(now = Date.now()): Promise<void> {
  if (!(await exists(() => api.providers.get(EXAMPLE_PROVIDER)))) {
    await api.providers.create({ name: EXAMPLE_PROVIDER, kind: "echo" });
  }
  if (!(await exists(() => api.prompts.get(EXAMPLE_PROMPT)))) {
    await api.prompts.create({
      name: EXAMPLE_PROMPT,
      type: "chat",
      description: "An example: answers support questions (made by 'Create an example')",
      tags: ["example"],
      draft: content(V1),
    });
  }
  const prompt = await api.prompts.get(EXAMPLE_PROMPT);
  if (prompt.latestVersion === null) {
    await api.versions.publish(EXAMPLE_PROMPT, { commitMessage: "first version" });
  }
  if ((prompt.latestVersion ?? 1) < 2) {
    await api.versions.publish(EXAMPLE_PROMPT, {
      commitMessage: "kinder, and ends with a next step",
      content: content(V2),
    });
  }
  const reason = "the example's starting point";
  if (prompt.labels.production === undefined) {
    await api.deployments.deploy(EXAMPLE_PROMPT, { environment: "production", version: 1, reason });
  }
  // Staging served v1 before v2, so it has a deploy to roll back.
  if (prompt.labels.staging === undefined) {
    await api.deployments.deploy(EXAMPLE_PROMPT, { environment: "staging", version: 1, reason });
  }
  if (prompt.labels.staging !== 2) {
    await api.deployments.deploy(EXAMPLE_PROMPT, {
      environment: "staging",
      version: 2,
      reason: "trying the kinder wording before production",
    });
  }
  await api.traces.ingest({ traces: exampleTraces(now) });
}
