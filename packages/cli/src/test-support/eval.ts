/**
 * What `promptline eval` tests stand on: a fake OpenAI on loopback behind a provider connection,
 * a chat prompt whose versions make known outputs ("echo: <the user message>"), and a dataset
 * with known cases (its revision 1).
 */
import {
  type FakeUpstream,
  startFakeOpenAI,
} from "../../../server/src/test-support/fake-openai.js";
import type { TestServer } from "../../../server/src/test-support/harness.js";

/** A connection named `local` to a fake OpenAI that echoes the last user message. */
export async function fakeProvider(server: TestServer): Promise<FakeUpstream> {
  const upstream = await startFakeOpenAI();
  await expectOk(
    server.call("POST", "/api/v1/providers", {
      name: "local",
      kind: "openai",
      baseUrl: upstream.url,
      apiKey: "sk-fake-upstream-0123456789",
      maxRetries: 0,
      timeoutMs: 5000,
    }),
  );
  return upstream;
}

/** The content of a chat prompt whose only message is `template` (with `{{question}}`). */
export function echoContent(template: string) {
  return {
    type: "chat" as const,
    messages: [{ role: "user" as const, content: template }],
    variables: { question: { type: "string" as const, required: true } },
    config: { provider: "local", model: "gpt-4o-mini" },
  };
}

/** A chat prompt with one published version per template, in order. */
export async function echoPrompt(
  server: TestServer,
  name: string,
  templates: string[],
): Promise<void> {
  await expectOk(server.call("POST", "/api/v1/prompts", { name, type: "chat" }));
  for (const [i, template] of templates.entries()) {
    await expectOk(
      server.call("POST", `/api/v1/prompts/${encodeURIComponent(name)}/versions`, {
        commitMessage: `version ${i + 1}`,
        content: echoContent(template),
      }),
    );
  }
}

export interface TestCase {
  question: string;
  expected?: string;
  tags?: string[];
}

/** A dataset whose revision 1 holds `cases`, in order, made through the datasets API. */
export async function datasetWithCases(
  server: TestServer,
  name: string,
  cases: TestCase[],
): Promise<void> {
  await expectOk(server.call("POST", "/api/v1/datasets", { name }));
  await expectOk(
    server.call("POST", `/api/v1/datasets/${encodeURIComponent(name)}/revisions`, {
      message: "cases for a test",
      add: cases.map((c) => ({
        input: { variables: { question: c.question } },
        ...(c.expected !== undefined && { expected: c.expected }),
        tags: c.tags ?? [],
      })),
    }),
  );
}

/** Setup must not fail quietly: a test's claims mean nothing on top of a refused request. */
async function expectOk(call: ReturnType<TestServer["call"]>): Promise<void> {
  const { status, body } = await call;
  if (status >= 300) throw new Error(`setup request failed: ${status} ${JSON.stringify(body)}`);
}
