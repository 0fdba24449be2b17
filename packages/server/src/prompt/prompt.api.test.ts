import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enc, startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

describe.each(testEngines())("prompts on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
    const prompts = [
      {
        name: "support/refund-agent",
        type: "chat",
        description: "Refunds",
        tags: ["support", "tier_1"],
      },
      {
        name: "support/triage",
        type: "chat",
        description: "Routes tickets 100%",
        tags: ["support"],
      },
      { name: "support_old/triage", type: "text", description: "legacy", tags: [] },
      { name: "marketing/Tagline", type: "text", description: "Slogans", tags: ["growth"] },
      { name: "zz/fr", type: "text", description: "Élan et café", tags: ["Élan"] },
    ];
    for (const p of prompts)
      expect((await server.call("POST", "/api/v1/prompts", p)).status).toBe(201);
  });
  afterAll(() => server?.stop());

  it("creates a prompt with an empty draft of its type", async () => {
    const { body } = await server.call("GET", `/api/v1/prompts/${enc("support/refund-agent")}`);
    expect(body).toMatchObject({
      name: "support/refund-agent",
      type: "chat",
      latestVersion: null,
      labels: {},
      draft: { type: "chat", messages: [{ role: "system", content: "" }] },
      createdBy: "apikey:admin",
    });
  });

  it("refuses a second prompt with the same name", async () => {
    const { status, body } = await server.call("POST", "/api/v1/prompts", {
      name: "support/triage",
      type: "text",
    });
    expect(status).toBe(409);
    expect(body.message).toContain("already exists");
  });

  const names = async (query: string) =>
    (await server.call("GET", `/api/v1/prompts${query}`)).body.items.map(
      (p: { name: string }) => p.name,
    );

  it("lists by folder, tag and text, literally (no wildcards)", async () => {
    expect(await names("")).toEqual([
      "marketing/Tagline",
      "support/refund-agent",
      "support/triage",
      "support_old/triage",
      "zz/fr",
    ]);
    expect(await names("?folder=support")).toEqual(["support/refund-agent", "support/triage"]);
    expect(await names("?tag=support")).toEqual(["support/refund-agent", "support/triage"]);
    expect(await names("?tag=SUPPORT")).toEqual(["support/refund-agent", "support/triage"]);
    expect(await names(`?tag=${enc("s%")}`)).toEqual([]);
    expect(await names("?q=tagline")).toEqual(["marketing/Tagline"]);
    expect(await names(`?q=${enc("100%")}`)).toEqual(["support/triage"]);
    expect(await names("?q=t_1")).toEqual([]);
    expect(await names("?q=tier_1")).toEqual(["support/refund-agent"]);
    expect(await names(`?q=${enc("CAFÉ")}`)).toEqual(["zz/fr"]);
    expect(await names(`?tag=${enc("élan")}`)).toEqual(["zz/fr"]);
  });

  it("pages through prompts with a cursor", async () => {
    const first = await server.call("GET", "/api/v1/prompts?limit=3");
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).toBe("support/triage");
    const second = await server.call(
      "GET",
      `/api/v1/prompts?limit=3&after=${enc(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((p: { name: string }) => p.name)).toEqual([
      "support_old/triage",
      "zz/fr",
    ]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("updates description and tags, and saves drafts", async () => {
    const path = `/api/v1/prompts/${enc("marketing/Tagline")}`;
    const updated = await server.call("PATCH", path, {
      description: "Taglines",
      tags: ["growth", "copy"],
    });
    expect(updated.body).toMatchObject({ description: "Taglines", tags: ["growth", "copy"] });
    const draft = await server.call("PUT", `${path}/draft`, {
      type: "text",
      text: "Write a tagline for {{product}}",
    });
    expect(draft.body.draftVariables).toEqual(["product"]);
    expect((await server.call("GET", path)).body.draft.text).toBe(
      "Write a tagline for {{product}}",
    );
  });

  it("hints at encoding when a name arrives with raw slashes", async () => {
    const { status, body } = await server.call(
      "GET",
      "/api/v1/prompts/support/refund-agent/versions/1/x",
    );
    expect(status).toBe(404);
    expect(body.message).toContain("%2F");
  });
});
