import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test-support/harness.js";
import { apiSecurityHeaders } from "./security-headers.js";

function expectPagePolicy(response: Response) {
  const csp = response.headers.get("content-security-policy") ?? "";
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]) {
    expect(csp).toContain(directive);
  }
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
}

describe("security headers", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(() => server?.stop());

  it("serve the web UI's pages and files with a policy that runs only the server's own scripts and forbids framing", async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expectPagePolicy(home);
    const script = /<script[^>]+src="([^"]+)"/.exec(await home.text())?.[1];
    expect(script).toMatch(/^\/assets\//);
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expectPagePolicy(asset);
    expectPagePolicy(await fetch(`${server.url}/prompts/some/deep/link`));
  });

  it("tell browsers not to sniff, render, frame or leak the URLs of API answers, errors included", async () => {
    const answers = [
      await fetch(`${server.url}/api/v1/prompts`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      }),
      await fetch(`${server.url}/api/v1/prompts`),
      await fetch(`${server.url}/healthz`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 200]);
    for (const response of answers) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });
});

describe("the API's security headers", () => {
  it("are added to raw answers, leaving any a handler set itself", async () => {
    const app = new Hono();
    app.use("*", apiSecurityHeaders);
    app.get("/raw", () => new Response("data"));
    app.get("/own", (c) =>
      c.text("page", 200, { "content-security-policy": "default-src 'self'" }),
    );
    const raw = await app.request("/raw");
    expect(raw.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(raw.headers.get("x-content-type-options")).toBe("nosniff");
    const own = await app.request("/own");
    expect(own.headers.get("content-security-policy")).toBe("default-src 'self'");
    expect(own.headers.get("referrer-policy")).toBe("no-referrer");
  });
});
