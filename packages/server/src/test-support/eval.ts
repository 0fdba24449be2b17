/**
 * What evaluation-run tests share: a fake OpenAI-compatible upstream that echoes like the
 * gateway's fake and answers judge calls (those asking for a json_schema) with a score chosen
 * by the text it judges, prompts published with a config naming the connection, and a wait for
 * a run to reach a state.
 */
import { expect } from "vitest";
import {
  contentText,
  FAKE_CREATED,
  type FakeUpstream,
  type RecordedRequest,
  startFakeUpstream,
} from "./fake-openai.js";
import { enc, type TestServer } from "./harness.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers loosely and assert on them
export type Loose = Record<string, any>;

function completion(model: string, content: string) {
  return {
    id: "chatcmpl-eval",
    object: "chat.completion",
    created: FAKE_CREATED,
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/**
 * How the fake judge answers, by what the judged output contains: `garbage` → prose, `fence` →
 * JSON in a ```json fence, `far` → a score of 7 (outside [0, 1]), anything else → 0.75.
 */
export function judgeAnswer(judged: string): string {
  if (judged.includes("garbage")) return "I would say it is quite good, really.";
  if (judged.includes("fence")) return '```json\n{"score": 0.5, "reasoning": "fenced"}\n```';
  if (judged.includes("far")) return '{"score": 7, "reasoning": "too generous"}';
  return '{"score": 0.75, "reasoning": "close enough"}';
}

/** The fake upstream: `echo: <last user message>`, or a judge's answer for judge calls. */
export function startEvalUpstream(): Promise<FakeUpstream> {
  return startFakeUpstream("/v1", {
    errorBody: (status, message) => ({ error: { message, type: "server_error", code: status } }),
    answer(request: RecordedRequest, reply) {
      const body = request.body as {
        model: string;
        messages: Array<{ role: string; content: unknown }>;
        response_format?: { type: string };
      };
      const text = body.messages.map((m) => contentText(m.content)).join("\n");
      if (body.response_format?.type === "json_schema") {
        return reply.json(200, completion(body.model, judgeAnswer(text)));
      }
      const lastUser = body.messages.filter((m) => m.role === "user").at(-1);
      return reply.json(200, completion(body.model, `echo: ${contentText(lastUser?.content)}`));
    },
  });
}

/** Adds an OpenAI-kind connection to `upstream` (no retries unless asked). */
export async function addConnection(
  server: TestServer,
  name: string,
  upstream: FakeUpstream,
  extra: Loose = {},
) {
  const created = await server.call("POST", "/api/v1/providers", {
    name,
    kind: "openai",
    baseUrl: upstream.url,
    apiKey: "sk-eval-test-key-0123456789",
    maxRetries: 0,
    timeoutMs: 5000,
    ...extra,
  });
  expect(created.status).toBe(201);
}

/** Creates the text prompt `name` and publishes `texts` as versions 1, 2, … using `provider`. */
export async function publishTexts(
  server: TestServer,
  name: string,
  provider: string,
  texts: string[],
) {
  expect((await server.call("POST", "/api/v1/prompts", { name, type: "text" })).status).toBe(201);
  for (const text of texts) {
    const published = await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
      commitMessage: text,
      content: { type: "text", text, config: { provider, model: "gpt-4o-mini" } },
    });
    expect(published.status).toBe(201);
  }
}

export async function deploy(
  server: TestServer,
  name: string,
  version: number,
  env = "production",
) {
  const deployed = await server.call("POST", `/api/v1/prompts/${enc(name)}/deployments`, {
    environment: env,
    version,
  });
  expect(deployed.status).toBe(201);
}

/** Polls the run until `until` holds (by default: finished); fails after 30 s. */
export async function waitForRun(
  server: TestServer,
  id: string,
  until: (run: Loose) => boolean = (run) =>
    ["completed", "failed", "cancelled"].includes(run.status),
): Promise<Loose> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await server.call<Loose>("GET", `/api/v1/eval-runs/${id}`);
    expect(run.status).toBe(200);
    if (until(run.body)) return run.body;
    if (Date.now() > deadline)
      throw new Error(`run ${id} never got there: ${JSON.stringify(run.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
