/**
 * The state a browser test starts from, made through the API the way the CLI or an SDK would:
 * each test seeds its own prompts, so it runs the same alone or after any other.
 */
import { expect } from "vitest";
import { enc, type TestServer } from "../../../server/src/test-support/harness.js";

export { enc };

/** Calls the API as the admin and fails the test, naming the call, unless it succeeds. */
export async function succeed<T = unknown>(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await server.call<T>(method, path, body);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response.body;
}

export interface ChatPromptSetup {
  /** System messages published in turn as v1, v2, …; the draft is left as the last of them. */
  versions?: string[];
  /** The draft when nothing is published, or what it becomes after the last version. */
  draft?: string;
  /** Environment → the version deployed there. */
  deployed?: Record<string, number>;
  /** The model config every version and the draft carry. */
  config?: Record<string, unknown>;
  tags?: string[];
}

/** Creates the chat prompt `name` with one system message, publishes and deploys it as asked. */
export async function createChatPrompt(
  server: TestServer,
  name: string,
  { versions = [], draft, deployed = {}, config, tags = [] }: ChatPromptSetup = {},
): Promise<void> {
  const path = `/api/v1/prompts/${enc(name)}`;
  const content = (system: string) => ({
    type: "chat",
    messages: [{ role: "system", content: system }],
    ...(config && { config }),
  });
  const initial = versions[0] ?? draft ?? "";
  await succeed(server, "POST", "/api/v1/prompts", {
    name,
    type: "chat",
    tags,
    draft: content(initial),
  });
  for (const [index, system] of versions.entries()) {
    if (index > 0) await succeed(server, "PUT", `${path}/draft`, content(system));
    await succeed(server, "POST", `${path}/versions`, { commitMessage: `v${index + 1}` });
  }
  if (draft !== undefined && draft !== (versions.at(-1) ?? initial)) {
    await succeed(server, "PUT", `${path}/draft`, content(draft));
  }
  for (const [environment, version] of Object.entries(deployed)) {
    await succeed(server, "POST", `${path}/deployments`, { environment, version });
  }
}
