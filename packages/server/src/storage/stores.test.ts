import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  findApiKey,
  findApiKeyByHash,
  findApiKeyByPublicKey,
  insertApiKey,
  listApiKeys,
  markRevoked,
} from "../apiKey/store.js";
import { currentLabel, listMoves, moveAt, movesBetween, recordMove } from "../deployment/store.js";
import { insertEnvironment, listEnvironments } from "../environment/store.js";
import { appendEvent, listEventsNewestFirst } from "../event/store.js";
import { deleteModelPrice, listModelPrices, upsertModelPrice } from "../price/store.js";
import { findProjectByName } from "../project/store.js";
import {
  insertPrompt,
  labelsOfPrompts,
  listFolders,
  listPrompts,
  updatePromptMetadata,
  updatePromptRow,
} from "../prompt/store.js";
import {
  deleteConnection,
  findConnection,
  insertConnection,
  listConnections,
  updateConnection,
} from "../provider/store.js";
import { deleteSession, findSession, insertSession } from "../session/store.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { deleteTracesBefore, listTraceRows, metricRows } from "../trace/store.js";
import type { ApiKeyRow, PromptRow, ProviderConnectionRow } from "./database.js";
import { StoredTraceBatch } from "./trace-batch.js";

const AT = "2026-01-02T03:04:05.000Z";
const LATER = "2026-01-03T03:04:05.000Z";

describe.each(testEngines())("stores on %s", (kind) => {
  const storage = useTestStorage(kind);
  const newProject = () => storage.newProject(AT);

  async function newPrompt(projectId: string, name: string, tags: string[] = []) {
    const prompt: PromptRow = {
      id: randomUUID(),
      projectId,
      name,
      type: "text",
      description: `about ${name}`,
      tags,
      draft: { type: "text", text: name },
      draftUpdatedAt: AT,
      draftUpdatedBy: "test",
      latestVersion: null,
      createdAt: AT,
      createdBy: "test",
      updatedAt: AT,
    };
    await insertPrompt(storage.engine.db, prompt);
    return prompt;
  }

  it("projects are found by name", async () => {
    const id = await newProject();
    expect(await findProjectByName(storage.engine.db, `project-${id}`)).toEqual({
      id,
      name: `project-${id}`,
      createdAt: AT,
    });
    expect(await findProjectByName(storage.engine.db, "no-such-project")).toBeUndefined();
  });

  it("API keys are found by hash, public key and id, listed, and revoked", async () => {
    const projectId = await newProject();
    const key: ApiKeyRow = {
      id: randomUUID(),
      projectId,
      name: "ci",
      role: "editor",
      keyHash: `hash-${projectId}`,
      keyPrefix: "pl_abcdef",
      publicKey: `pk-${projectId}`,
      createdAt: AT,
      createdBy: "test",
      revokedAt: null,
    };
    await insertApiKey(storage.engine.db, key);
    expect(await findApiKeyByHash(storage.engine.db, key.keyHash)).toEqual(key);
    expect(await findApiKeyByPublicKey(storage.engine.db, `pk-${projectId}`)).toEqual(key);
    await markRevoked(storage.engine.db, key.id, LATER);
    expect(await findApiKey(storage.engine.db, projectId, key.id)).toEqual({
      ...key,
      revokedAt: LATER,
    });
    expect(await listApiKeys(storage.engine.db, projectId)).toHaveLength(1);
  });

  it("environments list oldest first", async () => {
    const projectId = await newProject();
    for (const [name, at] of [
      ["later", LATER],
      ["first", AT],
    ] as const) {
      await insertEnvironment(storage.engine.db, {
        id: randomUUID(),
        projectId,
        name,
        protected: name === "first",
        createdAt: at,
        createdBy: "test",
      });
    }
    const listed = await listEnvironments(storage.engine.db, projectId);
    expect(listed.map((e) => [e.name, e.protected])).toEqual([
      ["first", true],
      ["later", false],
    ]);
  });

  it("prompts filter by folder, tag and text, change their metadata and draft, and report folders", async () => {
    const projectId = await newProject();
    const agent = await newPrompt(projectId, "support/agent", ["Ops"]);
    await newPrompt(projectId, "support/faq/top", ["devops"]);
    await newPrompt(projectId, "sales/pitch");

    const names = async (filter: Parameters<typeof listPrompts>[2]) =>
      (await listPrompts(storage.engine.db, projectId, filter)).map((p) => p.name);
    expect(await names({ folder: "support", limit: 10 })).toEqual([
      "support/agent",
      "support/faq/top",
    ]);
    expect(await names({ tag: "ops", limit: 10 })).toEqual(["support/agent"]);
    expect(await names({ q: "PITCH", limit: 10 })).toEqual(["sales/pitch"]);

    await updatePromptMetadata(storage.engine.db, {
      ...agent,
      description: "Answers tickets",
      tags: ["Tier1"],
      updatedAt: LATER,
    });
    await updatePromptRow(storage.engine.db, agent.id, {
      draft: { type: "text", text: "new" },
      draftUpdatedBy: "editor",
      latestVersion: 3,
      updatedAt: LATER,
    });
    const [updated] = await listPrompts(storage.engine.db, projectId, { q: "tickets", limit: 10 });
    expect(updated).toMatchObject({
      tags: ["Tier1"],
      draft: { type: "text", text: "new" },
      draftUpdatedBy: "editor",
      draftUpdatedAt: LATER,
      latestVersion: 3,
    });
    expect(await names({ tag: "tier1", limit: 10 })).toEqual(["support/agent"]);
    expect(await listFolders(storage.engine.db, projectId)).toEqual([
      { path: "sales", prompts: 1 },
      { path: "support", prompts: 2 },
      { path: "support/faq", prompts: 1 },
    ]);
  });

  it("label moves point the label, and are listed, found at a time and between times", async () => {
    const projectId = await newProject();
    const prompt = await newPrompt(projectId, "moves/one");
    const move = {
      promptId: prompt.id,
      environment: "production",
      kind: "deploy" as const,
      fromVersion: null,
      toVersion: 1,
      revertsId: null,
      actor: "test",
      reason: "launch",
      createdAt: AT,
    };
    const first = await recordMove(storage.engine.db, move);
    expect(first).toEqual({ ...move, id: expect.any(Number), gateOverride: null, rolloutId: null });
    const second = await recordMove(storage.engine.db, {
      ...move,
      kind: "rollback",
      fromVersion: 1,
      toVersion: 0,
      revertsId: first.id,
      reason: null,
      createdAt: LATER,
    });

    expect(await currentLabel(storage.engine.db, prompt.id, "production")).toBe(0);
    expect((await labelsOfPrompts(storage.engine.db, [prompt.id])).get(prompt.id)).toEqual({
      production: 0,
    });
    expect(await listMoves(storage.engine.db, prompt.id, { limit: 10 })).toEqual([second, first]);
    expect(await moveAt(storage.engine.db, prompt.id, "production", AT)).toEqual(first);
    expect(await movesBetween(storage.engine.db, prompt.id, AT, LATER)).toEqual([first]);
  });

  it("the audit log pages newest first and filters by time", async () => {
    const projectId = await newProject();
    for (const [subject, at] of [
      ["a", AT],
      ["b", LATER],
    ]) {
      await appendEvent(storage.engine.db, {
        projectId,
        type: "environment.created",
        subject: subject as string,
        payload: { protected: false },
        actor: "test",
        at: at as string,
      });
    }
    const page = await listEventsNewestFirst(storage.engine.db, projectId, { limit: 1 });
    expect(page.items.map((e) => [e.subject, e.payload])).toEqual([["b", { protected: false }]]);
    expect(page.nextCursor).toBe(page.items[0]?.id);
    const recent = await listEventsNewestFirst(storage.engine.db, projectId, {
      from: LATER,
      limit: 10,
    });
    expect(recent.items.map((e) => e.subject)).toEqual(["b"]);
  });

  it("provider connections are created, changed and deleted", async () => {
    const projectId = await newProject();
    const connection: ProviderConnectionRow = {
      id: randomUUID(),
      projectId,
      name: "openai",
      kind: "openai",
      baseUrl: null,
      apiKeyEncrypted: "v1.sealed",
      apiKeyHint: "…1234",
      apiKeyHeader: null,
      defaultModel: null,
      timeoutMs: 60_000,
      maxRetries: 2,
      createdAt: AT,
      createdBy: "test",
      updatedAt: AT,
    };
    await insertConnection(storage.engine.db, connection);
    const changed = { ...connection, defaultModel: "gpt-4o", timeoutMs: 5000, updatedAt: LATER };
    await updateConnection(storage.engine.db, changed);
    expect(await findConnection(storage.engine.db, projectId, "openai")).toEqual(changed);
    await deleteConnection(storage.engine.db, connection.id);
    expect(await listConnections(storage.engine.db, projectId)).toEqual([]);
  });

  it("model prices are set, replaced and removed", async () => {
    const projectId = await newProject();
    const by = { at: AT, by: "test" };
    await upsertModelPrice(
      storage.engine.db,
      projectId,
      { model: "m", inputPerMillion: 1, outputPerMillion: 2 },
      by,
    );
    await upsertModelPrice(
      storage.engine.db,
      projectId,
      { model: "m", inputPerMillion: 1.5, outputPerMillion: 3 },
      by,
    );
    expect(await listModelPrices(storage.engine.db, projectId)).toEqual([
      { model: "m", inputPerMillion: 1.5, outputPerMillion: 3 },
    ]);
    expect(await deleteModelPrice(storage.engine.db, projectId, "m")).toBe(1);
    expect(await listModelPrices(storage.engine.db, projectId)).toEqual([]);
  });

  it("sessions are found by their token's hash until deleted", async () => {
    const session = { tokenHash: randomUUID(), keyHash: "k", createdAt: AT, expiresAt: LATER };
    await insertSession(storage.engine.db, session);
    expect(await findSession(storage.engine.db, session.tokenHash)).toEqual(session);
    await deleteSession(storage.engine.db, session.tokenHash);
    expect(await findSession(storage.engine.db, session.tokenHash)).toBeUndefined();
  });

  it("traces list newest first without their payloads, feed the metrics, and expire", async () => {
    const projectId = await newProject();
    const batch = new StoredTraceBatch();
    for (const [id, startTime] of [
      ["trace-old-1", AT],
      ["trace-new-1", LATER],
    ] as const) {
      batch.addTrace({
        projectId,
        id,
        source: "otlp",
        startTime,
        promptName: "p",
        promptVersion: 1,
        status: "ok",
        origin: "production",
        latencyMs: 12.5,
        input: { big: "payload" },
        metadata: { team: "a" },
        ingestedAt: LATER,
      });
    }
    await storage.engine.insertTraces(batch);

    const listed = await listTraceRows(storage.engine.db, projectId, {}, 10, undefined);
    expect(listed.map((t) => t.id)).toEqual(["trace-new-1", "trace-old-1"]);
    expect(listed[0]).toMatchObject({ source: "otlp", metadata: { team: "a" }, latencyMs: 12.5 });
    expect(listed[0]).not.toHaveProperty("input");
    const after = await listTraceRows(storage.engine.db, projectId, {}, 10, {
      startTime: LATER,
      id: "trace-new-1",
    });
    expect(after.map((t) => t.id)).toEqual(["trace-old-1"]);
    expect(
      await metricRows(storage.engine.db, projectId, { prompt: "p", from: LATER }, 10),
    ).toEqual([
      {
        promptVersion: 1,
        variant: null,
        startTime: LATER,
        status: "ok",
        latencyMs: 12.5,
        inputTokens: null,
        outputTokens: null,
        cost: null,
      },
    ]);

    expect(await deleteTracesBefore(storage.engine.db, LATER)).toMatchObject({ traces: 1 });
    const left = await listTraceRows(storage.engine.db, projectId, {}, 10, undefined);
    expect(left.map((t) => t.id)).toEqual(["trace-new-1"]);
  });
});
