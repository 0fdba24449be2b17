/**
 * Datasets for evaluation tests, made through the datasets API as a user would: the dataset,
 * then its cases as revision 1 (added in chunks the API takes).
 */
import type { CaseInput } from "@promptline/core";
import type { TestServer } from "./harness.js";

export interface SeedCase {
  input: Partial<CaseInput> & { variables: Record<string, unknown> };
  expected?: unknown;
  tags?: string[];
}

/** The most cases one change may add. */
const CHUNK = 1000;

async function ok(server: Pick<TestServer, "call">, method: string, path: string, body: unknown) {
  const { status, body: answer } = await server.call(method, path, body);
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Creates dataset `name` holding `cases` in the order given (revision 1 up to 1,000 of them). */
export async function seedDataset(
  server: Pick<TestServer, "call">,
  name: string,
  cases: SeedCase[],
): Promise<{ caseIds: string[] }> {
  await ok(server, "POST", "/api/v1/datasets", { name });
  const path = `/api/v1/datasets/${encodeURIComponent(name)}`;
  for (let i = 0; i < cases.length; i += CHUNK) {
    const add = cases.slice(i, i + CHUNK).map((c) => ({
      input: c.input,
      ...(c.expected !== undefined && { expected: c.expected }),
      tags: c.tags ?? [],
    }));
    await ok(server, "POST", `${path}/revisions`, { message: "seeded", add });
  }
  const caseIds: string[] = [];
  let after: string | undefined;
  do {
    const query = new URLSearchParams({ limit: "500", ...(after && { after }) });
    const page = await ok(server, "GET", `${path}/cases?${query}`, undefined);
    caseIds.push(...page.items.map((c: { id: string }) => c.id));
    after = page.nextCursor ?? undefined;
  } while (after);
  return { caseIds };
}

/** Adds a revision that removes every case: the dataset's latest revision then has none. */
export async function emptyLatestRevision(
  server: Pick<TestServer, "call">,
  name: string,
  caseIds: string[],
): Promise<void> {
  await ok(server, "POST", `/api/v1/datasets/${encodeURIComponent(name)}/revisions`, {
    message: "emptied",
    remove: caseIds,
  });
}
