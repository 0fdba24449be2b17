import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testEngines } from "../test-support/harness.js";

describe.each(testEngines())("web sessions (%s)", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.stop());

  const signIn = async (apiKey: string) => {
    const response = await fetch(`${server.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiKey }),
    });
    const cookie = response.headers.get("set-cookie") ?? "";
    return { response, cookie: cookie.split(";")[0] as string, header: cookie };
  };
  const withCookie = (cookie: string, method = "GET", path = "/api/v1/environments", extra = {}) =>
    fetch(`${server.url}${path}`, { method, headers: { cookie, ...extra } });

  it("opens an httpOnly, same-site session with a valid key and refuses others", async () => {
    const bad = await signIn("pl_unknown_key_000000000000");
    expect(bad.response.status).toBe(401);
    expect(bad.header).toBe("");
    const good = await signIn(server.adminKey);
    expect(good.response.status).toBe(200);
    expect(good.header).toMatch(/HttpOnly/i);
    expect(good.header).toMatch(/SameSite=Strict/i);
    expect(good.header).not.toContain(server.adminKey);
    expect((await withCookie(good.cookie)).status).toBe(200);
    const who = await withCookie(good.cookie, "GET", "/api/v1/session");
    expect(await who.json()).toMatchObject({ role: "admin", actor: "apikey:admin" });
    const stored = await server.services.engine.db.selectFrom("sessions").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(good.cookie.split("=")[1]);
  });

  it("needs the client header for changes made with the cookie, which a cross-site form cannot send", async () => {
    const { cookie } = await signIn(server.adminKey);
    const forged = await withCookie(cookie, "POST", "/api/v1/environments");
    expect(forged.status).toBe(403);
    const fromUi = await fetch(`${server.url}/api/v1/environments`, {
      method: "POST",
      headers: { cookie, "x-promptline-client": "web", "content-type": "application/json" },
      body: JSON.stringify({ name: "qa" }),
    });
    expect(fromUi.status).toBe(201);
  });

  it("ends on sign-out and when the key it was opened with is revoked", async () => {
    const first = await signIn(server.adminKey);
    const out = await withCookie(first.cookie, "DELETE", "/api/v1/session");
    expect(out.status).toBe(204);
    expect((await withCookie(first.cookie)).status).toBe(401);

    const created = await server.call<{ id: string; key: string }>("POST", "/api/v1/api-keys", {
      name: "temp",
      role: "viewer",
    });
    const second = await signIn(created.body.key);
    expect((await withCookie(second.cookie)).status).toBe(200);
    await server.call("DELETE", `/api/v1/api-keys/${created.body.id}`);
    expect((await withCookie(second.cookie)).status).toBe(401);
  });

  it("serves the web UI at / and its pages on reload, but never over the APIs", async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
    expect(await home.text()).toContain('<div id="root">');
    expect((await fetch(`${server.url}/prompts/some/deep/link`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/nothing-here`)).status).toBe(401);
    expect((await fetch(`${server.url}/../../etc/passwd`)).status).not.toBe(500);
    expect((await fetch(`${server.url}/%E0%A4%A`)).status).toBe(400);
  });
});
