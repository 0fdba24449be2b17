/**
 * What the rollout browser tests start from, besides prompts: calls an application reported
 * while a rollout ran, and the guardrail monitor's looks at it as it stores them.
 */
import type { GuardrailCheck } from "@promptline/core";
import { insertChecks } from "../../../server/src/rollout/store.js";
import type { TestServer } from "../../../server/src/test-support/harness.js";
import { succeed } from "./seed.js";

/** Calls an application reported while the rollout ran: each variant's, some failed. */
export async function reportCalls(
  server: TestServer,
  name: string,
  environment: string,
  arms: Array<{ version: number; variant: "control" | "candidate"; calls: number; errors: number }>,
) {
  const traces = arms.flatMap((arm) =>
    Array.from({ length: arm.calls }, (_, i) => ({
      startTime: new Date().toISOString(),
      prompt: { name, version: arm.version, label: environment },
      variant: arm.variant,
      latencyMs: 200 + i,
      status: i < arm.errors ? ("error" as const) : ("ok" as const),
      ...(i < arm.errors && { error: "upstream failed" }),
    })),
  );
  await succeed(server, "POST", "/api/v1/traces", { traces });
}

/** One look of the guardrail monitor at the error rate, as it records them for the charts. */
const errorRateLook = (n: number, difference: number, half: number): GuardrailCheck => ({
  metric: "error_rate",
  candidateVersion: 2,
  state: "healthy",
  reason: null,
  control: { n: n * 19, mean: 0.02, variance: 0.0196 },
  candidate: { n, mean: 0.02 + difference, variance: 0.0196 },
  difference,
  low: difference - half,
  high: difference + half,
  pValue: 0.6,
  allowed: 0.02,
});

/**
 * The guardrail monitor's looks at a rollout over the last ten minutes, one a minute, as it
 * stores them: more calls each time, so the interval narrows around a small difference.
 */
export async function recordLooks(server: TestServer, rolloutId: number, looks = 10) {
  const now = Date.now();
  for (let i = 0; i < looks; i++) {
    const n = 12 * (i + 1);
    const half = 0.2 / Math.sqrt(n);
    const at = new Date(now - (looks - 1 - i) * 60_000).toISOString();
    await insertChecks(server.services.engine.db, rolloutId, [errorRateLook(n, 0.005, half)], at);
  }
}
