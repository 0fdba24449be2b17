import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTextPrompt,
  startTestServer,
  type TestServer,
  testEngines,
  uniqueName,
} from "../test-support/harness.js";

describe.each(testEngines())("custom environments on %s", (engine) => {
  let server: TestServer;
  let editor: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    editor = (await server.call("POST", "/api/v1/api-keys", { name: "pm", role: "editor" })).body
      .key;
  });
  afterAll(() => server?.stop());

  it("are created unprotected unless asked, and only by admins", async () => {
    const open = await server.call("POST", "/api/v1/environments", { name: "qa" });
    expect(open.status).toBe(201);
    expect(open.body).toMatchObject({ name: "qa", protected: false, createdBy: "apikey:admin" });
    const refused = await server.call("POST", "/api/v1/environments", { name: "dev2" }, editor);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain("'environment:manage'");
    const names = (await server.call("GET", "/api/v1/environments", undefined, editor)).body.items;
    expect(names.map((e: { name: string }) => e.name)).not.toContain("dev2");
  });

  it("created protected, keep editors from moving their labels, as production does", async () => {
    const created = await server.call("POST", "/api/v1/environments", {
      name: "eu-prod",
      protected: true,
    });
    expect(created.body.protected).toBe(true);
    const path = await createTextPrompt(server, uniqueName("env/agent"), ["v1"]);
    const move = (environment: string, key?: string) =>
      server.call("POST", `${path}/deployments`, { environment, version: 1 }, key);

    const refused = await move("eu-prod", editor);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      "environment 'eu-prod' is protected: moving it needs the admin role (your key has 'editor')",
    );
    expect((await move("staging", editor)).status).toBe(201);
    expect((await move("eu-prod")).status).toBe(201);
  });
});
