import { randomUUID } from "node:crypto";
import type { PromptContent } from "@promptline/core";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { findEnvironment, insertEnvironment } from "../environment/store.js";
import { appendEvent, listEvents } from "../event/store.js";
import { findPromptById, findPromptByName, insertPrompt, listPrompts } from "../prompt/store.js";
import { testEngines } from "../test-support/harness.js";
import { useTestStorage } from "../test-support/storage.js";
import { findTraceRow, listScores } from "../trace/store.js";
import { findVersion, insertVersion } from "../version/store.js";
import type { NewTrace, PromptRow, TraceScoreRow } from "./database.js";
import type { StorageEngine } from "./engine.js";
import { StoredTraceBatch } from "./trace-batch.js";

const AT = "2026-01-02T03:04:05.000Z";
const NUL = "\u0000";
const REPLACED = "\uFFFD";

/** What SQL itself holds, read without the row-shape plugin: snake_case names, text JSON. */
async function stored(engine: StorageEngine, query: ReturnType<typeof sql>) {
  const { rows } = await query.execute(engine.db.withoutPlugins());
  return rows as Array<Record<string, unknown>>;
}

function promptRow(projectId: string, name: string, draft: PromptContent): PromptRow {
  return {
    id: randomUUID(),
    projectId,
    name,
    type: draft.type,
    description: "",
    tags: [],
    draft,
    draftUpdatedAt: AT,
    draftUpdatedBy: "test",
    latestVersion: null,
    createdAt: AT,
    createdBy: "test",
    updatedAt: AT,
  };
}

function traceRow(projectId: string, id: string, fields: Partial<NewTrace> = {}): NewTrace {
  return {
    projectId,
    id,
    source: "api",
    startTime: AT,
    status: "ok",
    origin: "production",
    metadata: {},
    ingestedAt: AT,
    ...fields,
  };
}

const scoreOf = (projectId: string, traceId: string, name: string): TraceScoreRow => ({
  id: `${traceId}:${name}`,
  projectId,
  traceId,
  name,
  value: 1,
  comment: null,
  source: "ingest",
  actor: "api",
  createdAt: AT,
});

describe.each(testEngines())("storage on %s", (kind) => {
  const storage = useTestStorage(kind);
  const newProject = () => storage.newProject(AT);

  it("reads and writes camelCase rows with typed JSON and booleans, kept in SQL as snake_case text and 0/1", async () => {
    const projectId = await newProject();
    const draft: PromptContent = {
      type: "chat",
      messages: [{ role: "user", content: "Hi {{name}}" }],
      config: { extra: { snake_key: 1, "Mixed-Key": [true, null] } },
    };
    const prompt = { ...promptRow(projectId, "shape/one", draft), tags: ["Ops", "b"] };
    await insertPrompt(storage.engine.db, prompt);
    await insertEnvironment(storage.engine.db, {
      id: randomUUID(),
      projectId,
      name: "guarded",
      protected: true,
      createdAt: AT,
      createdBy: "test",
    });

    expect(await findPromptById(storage.engine.db, prompt.id)).toEqual(prompt);
    expect(await findEnvironment(storage.engine.db, projectId, "guarded")).toMatchObject({
      projectId,
      protected: true,
    });
    const [raw] = await stored(
      storage.engine,
      sql`select project_id, tags, tag_index, draft, draft_updated_at from prompts where id = ${prompt.id}`,
    );
    expect(raw).toEqual({
      project_id: projectId,
      tags: '["Ops","b"]',
      tag_index: '["ops","b"]',
      draft: JSON.stringify(draft),
      draft_updated_at: AT,
    });
    const [env] = await stored(
      storage.engine,
      sql`select protected from environments where project_id = ${projectId}`,
    );
    expect(Number(env?.protected)).toBe(1);
  });

  it("reads the rows an earlier version wrote in SQL's own names", async () => {
    const projectId = await newProject();
    const promptId = randomUUID();
    const content = { type: "text", text: "Hello {{who}}" };
    await stored(
      storage.engine,
      sql`insert into prompts (id, project_id, name, type, description, tags, search_text, tag_index, draft, draft_updated_at, draft_updated_by, latest_version, created_at, created_by, updated_at)
        values (${promptId}, ${projectId}, 'legacy/one', 'text', 'old', '["x"]', 'legacy/one', '["x"]', ${JSON.stringify(content)}, ${AT}, 'old', 1, ${AT}, 'old', ${AT})`,
    );
    await stored(
      storage.engine,
      sql`insert into prompt_versions (id, prompt_id, version, semver, bump, suggested_bump, content, content_hash, variables, commit_message, author, created_at, parent_version)
        values (${randomUUID()}, ${promptId}, 1, '1.0.0', null, null, ${JSON.stringify(content)}, 'hash', '["who"]', 'first', 'old', ${AT}, null)`,
    );
    await stored(
      storage.engine,
      sql`insert into environments (id, project_id, name, protected, created_at, created_by) values (${randomUUID()}, ${projectId}, 'open', 0, ${AT}, 'old')`,
    );

    expect(await findPromptByName(storage.engine.db, projectId, "legacy/one")).toMatchObject({
      tags: ["x"],
      draft: content,
      latestVersion: 1,
    });
    expect(await findVersion(storage.engine.db, promptId, 1)).toMatchObject({
      promptId,
      content,
      variables: ["who"],
      suggestedBump: null,
      commitMessage: "first",
    });
    expect((await findEnvironment(storage.engine.db, projectId, "open"))?.protected).toBe(false);
    expect(await listPrompts(storage.engine.db, projectId, { tag: "x", limit: 10 })).toHaveLength(
      1,
    );
  });

  it("stores NUL in a prompt's fields and content as U+FFFD, and finds it again by the name given with NUL", async () => {
    const projectId = await newProject();
    const draft: PromptContent = { type: "text", text: `before${NUL}after \\u0000 stays` };
    const prompt = {
      ...promptRow(projectId, `nul${NUL}name`, draft),
      description: `a${NUL}b`,
      tags: [`t${NUL}`],
    };
    await insertPrompt(storage.engine.db, prompt);

    const found = await findPromptByName(storage.engine.db, projectId, `nul${NUL}name`);
    expect(found).toMatchObject({
      name: `nul${REPLACED}name`,
      description: `a${REPLACED}b`,
      tags: [`t${REPLACED}`],
      draft: { type: "text", text: `before${REPLACED}after \\u0000 stays` },
    });
    const [raw] = await stored(
      storage.engine,
      sql`select description from prompts where id = ${prompt.id}`,
    );
    expect(raw?.description).toBe(`a${REPLACED}b`);
    const byTag = await listPrompts(storage.engine.db, projectId, { tag: `t${NUL}`, limit: 10 });
    expect(byTag.map((p) => p.id)).toEqual([prompt.id]);
    await insertVersion(storage.engine.db, {
      id: randomUUID(),
      promptId: prompt.id,
      version: 1,
      semver: "1.0.0",
      bump: null,
      suggestedBump: null,
      content: draft,
      contentHash: "h",
      variables: [],
      commitMessage: `m${NUL}`,
      author: "test",
      createdAt: AT,
      parentVersion: null,
    });
    expect(await findVersion(storage.engine.db, prompt.id, 1)).toMatchObject({
      commitMessage: `m${REPLACED}`,
      content: { text: `before${REPLACED}after \\u0000 stays` },
    });
  });

  it("stores a lone surrogate as U+FFFD on both engines, and finds it again by the value given", async () => {
    const projectId = await newProject();
    const prompt = {
      ...promptRow(projectId, "surrogates", { type: "text", text: "x" }),
      description: "a\ud800b",
    };
    await insertPrompt(storage.engine.db, prompt);
    const [raw] = await stored(
      storage.engine,
      sql`select description from prompts where id = ${prompt.id}`,
    );
    expect(raw?.description).toBe(`a${REPLACED}b`);
    const found = await listPrompts(storage.engine.db, projectId, { q: "a\ud800b", limit: 10 });
    expect(found.map((p) => p.id)).toEqual([prompt.id]);
  });

  it("stores NUL in a trace's columns and payloads as U+FFFD", async () => {
    const projectId = await newProject();
    const batch = new StoredTraceBatch();
    batch.addTrace(
      traceRow(projectId, "trace-nul-1", {
        model: `gpt${NUL}4`,
        error: `boom${NUL}`,
        input: [{ role: "user", content: `hi${NUL}` }],
        metadata: { [`k${NUL}`]: `v${NUL}` },
      }),
    );
    batch.addScore({ ...scoreOf(projectId, "trace-nul-1", "feedback"), comment: `c${NUL}` });
    expect(await storage.engine.insertTraces(batch)).toBe(1);

    expect(await findTraceRow(storage.engine.db, projectId, "trace-nul-1")).toMatchObject({
      model: `gpt${REPLACED}4`,
      error: `boom${REPLACED}`,
      input: [{ role: "user", content: `hi${REPLACED}` }],
      output: null,
      metadata: { [`k${REPLACED}`]: `v${REPLACED}` },
    });
    expect((await listScores(storage.engine.db, projectId, "trace-nul-1"))[0]?.comment).toBe(
      `c${REPLACED}`,
    );
    const [raw] = await stored(
      storage.engine,
      sql`select model, input from traces where project_id = ${projectId}`,
    );
    expect(raw).toEqual({
      model: `gpt${REPLACED}4`,
      input: `[{"role":"user","content":"hi${REPLACED}"}]`,
    });
  });

  it("appends a batch of traces and scores once: a retried batch adds nothing", async () => {
    const projectId = await newProject();
    const batch = new StoredTraceBatch();
    for (const id of ["trace-once-1", "trace-once-2"]) {
      batch.addTrace(traceRow(projectId, id, { promptName: "p", promptVersion: 2, cost: 0.5 }));
      batch.addScore(scoreOf(projectId, id, "quality"));
    }
    expect(await storage.engine.insertTraces(batch)).toBe(2);
    expect(await storage.engine.insertTraces(batch)).toBe(0);

    expect(await findTraceRow(storage.engine.db, projectId, "trace-once-2")).toMatchObject({
      projectId,
      promptName: "p",
      promptVersion: 2,
      cost: 0.5,
      input: null,
      metadata: {},
    });
    expect(await listScores(storage.engine.db, projectId, "trace-once-1")).toEqual([
      scoreOf(projectId, "trace-once-1", "quality"),
    ]);
  });

  it("keeps an event's payload as given, its keys untouched", async () => {
    const projectId = await newProject();
    const payload = { snake_key: 1, camelKey: { inner_key: [1, "two"] } };
    await appendEvent(storage.engine.db, {
      projectId,
      type: "prompt.updated",
      subject: "s",
      payload,
      actor: "test",
      at: AT,
    });
    const [event] = await listEvents(storage.engine.db, projectId, ["prompt.updated"], {
      limit: 5,
    });
    expect(event).toEqual({
      id: expect.any(Number),
      type: "prompt.updated",
      subject: "s",
      payload,
      actor: "test",
      createdAt: AT,
    });
  });
});
