import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  enc,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

/** The edits that make versions 2 (a patch), 3 (a major) and 4 (a minor, declared a patch). */
const REWORDED = "You are a refund agent for {{company}}. Be courteous.";
const WITH_LOCALE = "{{question}} (answer in {{locale}})";
const POLICY = " Never promise a refund before checking the order.";

describe.each(testEngines())("versions on %s", (engine) => {
  let server: TestServer;
  /** Each test's own prompt, with its draft saved and nothing published. */
  let name: string;
  let path: string;

  const publish = (body: Record<string, unknown>) => server.call("POST", `${path}/versions`, body);

  /** Versions 1-4 as the bump test makes them: the draft as created, then each edit in turn. */
  async function publishHistory() {
    expect((await publish({ commitMessage: "first" })).status).toBe(201);
    const draft = (await server.call("GET", path)).body.draft;
    draft.messages[0].content = REWORDED;
    await server.call("PUT", `${path}/draft`, draft);
    expect((await publish({ commitMessage: "reword" })).status).toBe(201);
    draft.messages[2].content = WITH_LOCALE;
    expect((await publish({ commitMessage: "locale", content: draft })).status).toBe(201);
    draft.messages[0].content += POLICY;
    const policy = await publish({ commitMessage: "policy", bump: "patch", content: draft });
    expect(policy.status).toBe(201);
  }

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  beforeEach(async () => {
    name = uniqueName("support/refund-agent");
    path = `/api/v1/prompts/${enc(name)}`;
    const created = await server.call("POST", "/api/v1/prompts", {
      name,
      type: "chat",
      description: "Handles refund requests",
      tags: ["support"],
      draft: {
        type: "chat",
        messages: [
          { role: "system", content: "You are a refund agent for {{company}}. Be polite." },
          { type: "placeholder", name: "history" },
          { role: "user", content: "{{question}}" },
        ],
        variables: { company: { type: "string", default: "Acme" } },
        config: { provider: "openai", model: "gpt-4o", temperature: 0.2 },
      },
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => server?.stop());

  it("publishes the draft as version 1 / 1.0.0 with its variables", async () => {
    const { status, body } = await server.call("POST", `${path}/versions`, {
      commitMessage: "first",
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name,
      version: 1,
      semver: "1.0.0",
      bump: null,
      created: true,
      variables: ["company", "question"],
      commitMessage: "first",
      author: "apikey:admin",
      labels: ["latest"],
    });
    expect(body.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("returns the existing version when identical content is published again", async () => {
    expect((await publish({ commitMessage: "first" })).status).toBe(201);
    const { status, body } = await server.call("POST", `${path}/versions`, {
      commitMessage: "again",
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: 1, created: false, commitMessage: "first" });
  });

  it("publishes content with NUL as stored (U+FFFD), and the same content again as that version", async () => {
    const content = {
      type: "chat",
      messages: [{ role: "user", content: "a\u0000b {{question}}" }],
    };
    const first = await publish({ commitMessage: "with nul", content });
    expect(first.status).toBe(201);
    expect(first.body.content.messages[0].content).toBe("a\uFFFDb {{question}}");
    const again = await publish({ commitMessage: "again", content });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, contentHash: first.body.contentHash });
    const read = await server.call("GET", `${path}/versions/1`);
    expect(read.body.contentHash).toBe(first.body.contentHash);
    expect((await server.call("GET", path)).body.draft).toEqual(first.body.content);
  });

  it("suggests and applies bump levels from the diff", async () => {
    expect((await publish({ commitMessage: "first" })).status).toBe(201);
    const draft = (await server.call("GET", path)).body.draft;
    draft.messages[0].content = REWORDED;
    await server.call("PUT", `${path}/draft`, draft);
    const bump = await server.call("GET", `${path}/draft/bump`);
    expect(bump.body).toMatchObject({
      baseVersion: 1,
      nextSemver: "1.0.1",
      suggestion: { level: "patch" },
    });
    const v2 = await server.call("POST", `${path}/versions`, { commitMessage: "reword" });
    const unchanged = await server.call("GET", `${path}/draft/bump`);
    expect(unchanged.body).toMatchObject({ identicalTo: 2, nextSemver: "1.0.1", suggestion: null });
    expect(v2.body).toMatchObject({ version: 2, semver: "1.0.1", bump: "patch", parentVersion: 1 });

    draft.messages[2].content = WITH_LOCALE;
    const v3 = await server.call("POST", `${path}/versions`, {
      commitMessage: "locale",
      content: draft,
    });
    expect(v3.body).toMatchObject({ version: 3, semver: "2.0.0", bump: "major" });
    expect(v3.body.suggestedBump.reasons).toContainEqual({
      level: "major",
      reason: "variables added: locale",
    });

    draft.messages[0].content += POLICY;
    const declared = await server.call("POST", `${path}/versions`, {
      commitMessage: "policy",
      bump: "patch",
      content: draft,
    });
    expect(declared.body).toMatchObject({ version: 4, semver: "2.0.1", bump: "patch" });
    expect(declared.body.suggestedBump.level).toBe("minor");
  });

  it("diffs two versions per field and as unified text", async () => {
    await publishHistory();
    const { status, body } = await server.call("GET", `${path}/diff?from=1&to=3`);
    expect(status).toBe(200);
    expect(body.from).toEqual({ ref: "1", version: 1, semver: "1.0.0" });
    expect(body.changes.map((c: { path: string }) => c.path)).toEqual([
      "messages[0].content",
      "messages[2].content",
    ]);
    expect(body.unified).toContain(`--- ${name}@v1`);
    expect(body.unified).toContain("+{{question}} (answer in {{locale}})");
    const latest = await server.call("GET", `${path}/diff?from=latest&to=draft`);
    expect(latest.body.identical).toBe(true);
  });

  it("refuses to change a published version, over the API and in storage", async () => {
    expect((await publish({ commitMessage: "first" })).status).toBe(201);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const { status, body } = await server.call(method, `${path}/versions/1`, {
        commitMessage: "x",
      });
      expect(status).toBe(409);
      expect(body.message).toContain("immutable");
    }
    const { db } = server.services.engine;
    await expect(
      db.updateTable("promptVersions").set({ commitMessage: "tampered" }).execute(),
    ).rejects.toThrow(/immutable/);
    await expect(db.deleteFrom("promptVersions").execute()).rejects.toThrow(/immutable/);
    expect((await server.call("GET", `${path}/versions/1`)).body.commitMessage).toBe("first");
  });

  it("lists versions newest first with their labels", async () => {
    await publishHistory();
    const { body } = await server.call("GET", `${path}/versions`);
    expect(body.items.map((v: { version: number }) => v.version)).toEqual([4, 3, 2, 1]);
    expect(body.items[0].labels).toEqual(["latest"]);
  });
});
