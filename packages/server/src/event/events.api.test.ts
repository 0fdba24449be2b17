import type { AuditEvent, AuditEventList } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

describe.each(testEngines())("the audit log on %s", (engine) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(() => server?.stop());

  async function events(query: Record<string, string | number>, key?: string) {
    const search = new URLSearchParams(
      Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string]),
    );
    return server.call<AuditEventList>("GET", `/api/v1/events?${search}`, undefined, key);
  }

  async function keyWithRole(name: string, role: "admin" | "editor" | "viewer") {
    const created = await server.call<{ key: string }>("POST", "/api/v1/api-keys", { name, role });
    return created.body.key;
  }

  /** A prompt drafted, published and deployed to staging by the given key. */
  async function promptDeployedBy(name: string, key?: string) {
    const path = `/api/v1/prompts/${enc(name)}`;
    await server.call("POST", "/api/v1/prompts", { name, type: "text" }, key);
    await server.call("PUT", `${path}/draft`, { type: "text", text: "Hello" }, key);
    await server.call("POST", `${path}/versions`, { commitMessage: "first" }, key);
    const deployment = { environment: "staging", version: 1, reason: "launch" };
    await server.call("POST", `${path}/deployments`, deployment, key);
  }

  it("lists a prompt's changes newest first, with who made them and the payload as recorded", async () => {
    const editor = await keyWithRole("audit-editor", "editor");
    await promptDeployedBy("audit/history", editor);

    const page = await events({ prompt: "audit/history" });
    expect(page.status).toBe(200);
    expect(page.body.items.map((e) => e.type)).toEqual([
      "label.deployed",
      "version.published",
      "draft.saved",
      "prompt.created",
    ]);
    expect(page.body.items.every((e) => e.actor === "apikey:audit-editor")).toBe(true);
    expect(page.body.items.every((e) => e.subject === "audit/history")).toBe(true);
    expect(page.body.items[0]?.payload).toEqual({
      environment: "staging",
      from: null,
      to: 1,
      reason: "launch",
    });
    const ids = page.body.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(page.body.nextCursor).toBeNull();
  });

  it("filters by type, actor, subject and time, and the filters combine", async () => {
    const releaser = await keyWithRole("audit-releaser", "admin");
    await promptDeployedBy("audit/by-releaser", releaser);
    await promptDeployedBy("audit/by-admin");
    await server.call(
      "POST",
      `/api/v1/prompts/${enc("audit/by-releaser")}/rollbacks`,
      { environment: "staging", toVersion: 1 },
      releaser,
    );

    const moves = await events({
      type: "label.deployed,label.rolled_back",
      actor: "apikey:audit-releaser",
    });
    expect(moves.body.items.map((e) => [e.type, e.subject])).toEqual([
      ["label.rolled_back", "audit/by-releaser"],
      ["label.deployed", "audit/by-releaser"],
    ]);
    const keyCreated = await events({ type: "apikey.created", actor: "apikey:admin" });
    expect(keyCreated.body.items.map((e) => e.payload.name)).toContain("audit-releaser");
    const bySubject = await events({ subject: "audit/by-admin", type: "prompt.created" });
    expect(bySubject.body.items.map((e) => e.actor)).toEqual(["apikey:admin"]);

    // A time range is [from, to): the events of the whole log that fall in it, and only those.
    const all = (await events({ limit: 500 })).body.items;
    const pivot = all.find((e) => e.subject === "audit/by-admin" && e.type === "prompt.created");
    const inRange = (e: AuditEvent, from?: string, to?: string) =>
      (from === undefined || e.createdAt >= from) && (to === undefined || e.createdAt < to);
    const from = pivot?.createdAt as string;
    expect((await events({ from, limit: 500 })).body.items).toEqual(
      all.filter((e) => inRange(e, from)),
    );
    const to = new Date(Date.parse(from) + 1).toISOString();
    const window = await events({ from, to, type: "prompt.created" });
    expect(window.body.items).toEqual(
      all.filter((e) => inRange(e, from, to) && e.type === "prompt.created"),
    );
    expect(window.body.items.map((e) => e.subject)).toContain("audit/by-admin");
    // Offsets name the same instant as UTC.
    const sameInstant = from.replace(/\.(\d{3})Z$/, ".$1+00:00");
    expect((await events({ from: sameInstant, limit: 500 })).body.items).toEqual(
      all.filter((e) => inRange(e, from)),
    );
  });

  it("pages through the log with a cursor, without repeats or gaps, in bounded pages", async () => {
    const name = "audit/paged";
    await server.call("POST", "/api/v1/prompts", { name, type: "text" });
    for (const description of ["one", "two", "three", "four"]) {
      await server.call("PATCH", `/api/v1/prompts/${enc(name)}`, { description });
    }
    const whole = (await events({ prompt: name })).body.items;
    expect(whole).toHaveLength(5);

    const paged: AuditEvent[] = [];
    let before: number | null | undefined;
    let pages = 0;
    do {
      const page = await events({ prompt: name, limit: 2, ...(before && { before }) });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.items);
      before = page.body.nextCursor;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(3);
    expect(paged).toEqual(whole);

    for (const limit of [0, 501]) {
      const refused = await events({ limit });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain("limit");
    }
  });

  it("refuses unknown types and malformed times, naming what to fix", async () => {
    const unknownType = await events({ type: "label.deployed,label.moved" });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.message).toContain("'label.moved' is not an event type");
    const badTime = await events({ from: "yesterday" });
    expect(badTime.status).toBe(400);
    expect(badTime.body.message).toContain("from");
  });

  it("is read by admins only: editors and viewers are refused with the permission named", async () => {
    for (const role of ["editor", "viewer"] as const) {
      const refused = await events({}, await keyWithRole(`audit-${role}-reader`, role));
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain("audit:read");
    }
    const anonymous = await fetch(`${server.url}/api/v1/events`);
    expect(anonymous.status).toBe(401);
    const otherAdmin = await events({ limit: 1 }, await keyWithRole("audit-second-admin", "admin"));
    expect(otherAdmin.status).toBe(200);
  });
});
