import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestServer } from "../../../server/src/test-support/harness.js";
import type { Io } from "../output.js";
import { runCli } from "../program.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A config file path that does not exist: the user's own config never leaks into a test. */
const noConfig = join(mkdtempSync(join(tmpdir(), "promptline-cli-")), "config.json");

/**
 * Runs the CLI in-process against a test server, as its admin unless `env` says otherwise;
 * `terminal` stands for a person at a terminal (answering confirmations).
 */
export async function runAgainst(
  server: TestServer,
  argv: string[],
  env: Record<string, string> = {},
  terminal: Pick<Io, "confirm"> = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  let written = "";
  const decoder = new TextDecoder();
  const code = await runCli(argv, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    write: async (chunk) => {
      written += decoder.decode(chunk, { stream: true });
    },
    env: {
      PROMPTLINE_URL: server.url,
      PROMPTLINE_API_KEY: server.adminKey,
      PROMPTLINE_CONFIG: noConfig,
      ...env,
    },
    ...terminal,
  });
  // Raw output (an exported file) comes through `write`, lines through `stdout`.
  return { code, stdout: written || out.join("\n"), stderr: err.join("\n") };
}

/** A text prompt with one published version per text, straight through the API. */
export async function publishedTextPrompt(
  server: TestServer,
  name: string,
  texts: string[],
): Promise<void> {
  await expectOk(server.call("POST", "/api/v1/prompts", { name, type: "text" }));
  for (const [i, text] of texts.entries()) {
    await expectOk(
      server.call("POST", `/api/v1/prompts/${encodeURIComponent(name)}/versions`, {
        commitMessage: `version ${i + 1}`,
        content: { type: "text", text },
      }),
    );
  }
}

/** Points an environment's label at a version, straight through the API. */
export async function deployed(
  server: TestServer,
  name: string,
  environment: string,
  version: number,
): Promise<void> {
  await expectOk(
    server.call("POST", `/api/v1/prompts/${encodeURIComponent(name)}/deployments`, {
      environment,
      version,
    }),
  );
}

/** Setup must not fail quietly: a test's claims mean nothing on top of a refused request. */
async function expectOk(call: ReturnType<TestServer["call"]>): Promise<void> {
  const { status, body } = await call;
  if (status >= 300) throw new Error(`setup request failed: ${status} ${JSON.stringify(body)}`);
}
