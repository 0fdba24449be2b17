/**
 * What `promptline eval` tests stand on: a fake OpenAI on loopback behind a provider connection,
 * a chat prompt whose versions make known outputs ("echo: <the user message>"), and a dataset
 * with cases written straight into storage (its revision 1).
 */
import { randomUUID } from "node:crypto";
import { timeOrderedId } from "@promptline/core/ids";
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

/** A dataset whose revision 1 holds `cases`, in order. */
export async function datasetWithCases(
  server: TestServer,
  name: string,
  cases: TestCase[],
): Promise<void> {
  const { db } = server.services.engine;
  const project = await db.selectFrom("projects").select("id").executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  const id = randomUUID();
  await db
    .insertInto("datasets")
    .values({
      id,
      projectId: project.id,
      name,
      description: "",
      latestRevision: 1,
      caseCount: cases.length,
      createdAt: at,
      createdBy: "test",
      updatedAt: at,
    })
    .execute();
  await db
    .insertInto("datasetRevisions")
    .values({
      datasetId: id,
      revision: 1,
      message: "cases for a test",
      added: cases.length,
      updated: 0,
      removed: 0,
      caseCount: cases.length,
      actor: "test",
      createdAt: at,
    })
    .execute();
  const now = Date.now();
  await db
    .insertInto("datasetCases")
    .values(
      cases.map((c) => ({
        rowId: randomUUID(),
        datasetId: id,
        caseId: timeOrderedId(now),
        firstRevision: 1,
        removedRevision: null,
        pendingImport: null,
        input: { variables: { question: c.question } },
        expected: c.expected ?? null,
        tags: c.tags ?? [],
        metadata: {},
        sourceKind: "person" as const,
        sourceRef: "test",
        createdAt: at,
        createdBy: "test",
      })),
    )
    .execute();
}

/** Setup must not fail quietly: a test's claims mean nothing on top of a refused request. */
async function expectOk(call: ReturnType<TestServer["call"]>): Promise<void> {
  const { status, body } = await call;
  if (status >= 300) throw new Error(`setup request failed: ${status} ${JSON.stringify(body)}`);
}
