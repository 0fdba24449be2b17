/**
 * Rollouts for the suites that check where assignment happens (resolve API, Langfuse API,
 * gateway): the shared assignment vectors of core, and a prompt running each vector's rollout.
 */
import { readFileSync } from "node:fs";
import type {
  AssignmentContext,
  DeliveredRollout,
  PromptContent,
  VersionAssignment,
} from "@promptline/core";
import { expect } from "vitest";
import { enc, type TestServer } from "./harness.js";

export interface AssignmentCase {
  name: string;
  rollout: DeliveredRollout;
  context: AssignmentContext;
  expected: VersionAssignment;
}

/** core's shared vectors: whole assignments every implementation must reproduce. */
export const assignmentCases: AssignmentCase[] = JSON.parse(
  readFileSync(
    new URL("../../../core/src/rollout/assignment-vectors.json", import.meta.url),
    "utf8",
  ),
).cases;

/** The vectors grouped by rollout: each distinct rollout with the cases run against it. */
export function casesByRollout(): Array<{ rollout: DeliveredRollout; cases: AssignmentCase[] }> {
  const groups = new Map<string, { rollout: DeliveredRollout; cases: AssignmentCase[] }>();
  for (const c of assignmentCases) {
    const key = JSON.stringify(c.rollout);
    const group = groups.get(key) ?? { rollout: c.rollout, cases: [] };
    group.cases.push(c);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Creates the chat prompt `name` with versions 1…`count` (each `content(n)`) and deploys
 * `deployed` to production.
 */
export async function promptWithVersions(
  server: TestServer,
  name: string,
  count: number,
  deployed: number,
  content: (version: number) => PromptContent,
): Promise<void> {
  const path = `/api/v1/prompts/${enc(name)}`;
  expect((await server.call("POST", "/api/v1/prompts", { name, type: "chat" })).status).toBe(201);
  for (let v = 1; v <= count; v++) {
    const published = await server.call("POST", `${path}/versions`, {
      commitMessage: `version ${v}`,
      content: content(v),
    });
    expect(published.status).toBe(201);
  }
  const deploy = await server.call("POST", `${path}/deployments`, {
    environment: "production",
    version: deployed,
  });
  expect(deploy.status).toBe(201);
}

/**
 * Starts on production of `name` (which serves the rollout's control) the vector's rollout:
 * its candidates, weights, rules and unit through the API, then its salt in storage (a salt is
 * the server's to choose), announced like any change so every cache drops what it held.
 */
export async function startVectorRollout(
  server: TestServer,
  name: string,
  rollout: DeliveredRollout,
): Promise<void> {
  const candidates = rollout.split.filter((v) => v.version !== rollout.control);
  const started = await server.call("POST", `/api/v1/prompts/${enc(name)}/rollouts`, {
    environment: "production",
    strategy: "split",
    candidates,
    rules: rollout.rules,
    unit: rollout.unit,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const { db } = server.services.engine;
  await db
    .updateTable("rollouts")
    .set({ salt: rollout.salt })
    .where("id", "=", started.body.id)
    .execute();
  const row = await db
    .selectFrom("rollouts")
    .select("projectId")
    .where("id", "=", started.body.id)
    .executeTakeFirstOrThrow();
  await server.services.engine.publishChange({
    projectId: row.projectId,
    kind: "prompt",
    subject: name,
  });
}

/** A prompt version's content whose text names the version, so an answer shows which it was. */
export const contentNaming =
  (config: PromptContent["config"] = {}) =>
  (version: number): PromptContent => ({
    type: "chat",
    messages: [{ role: "system", content: `You are version ${version}.` }],
    config,
  });
