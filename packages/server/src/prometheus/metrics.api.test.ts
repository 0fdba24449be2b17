import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../test-support/harness.js";

const TOKEN = "prometheus-scrape-token-0123456789";

describe("/metrics", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", undefined, { metricsToken: TOKEN });
  });
  afterAll(() => server.stop());

  const scrape = (token?: string) =>
    fetch(`${server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("is readable with the metrics token or an admin key, and by no one else", async () => {
    expect((await scrape()).status).toBe(401);
    const viewer = (
      await server.call<{ key: string }>("POST", "/api/v1/api-keys", { name: "v", role: "viewer" })
    ).body.key;
    expect((await scrape(viewer)).status).toBe(401);
    expect((await scrape("wrong-token-wrong-token-wrong")).status).toBe(401);
    expect((await scrape(TOKEN)).status).toBe(200);
    expect((await scrape(server.adminKey)).status).toBe(200);
  });

  it("counts requests by route, resolve cache hits and ingested traces in Prometheus format", async () => {
    await server.call("POST", "/api/v1/prompts", {
      name: "greeting",
      type: "text",
      draft: { type: "text", text: "Hello" },
    });
    await server.call("POST", "/api/v1/prompts/greeting/versions", { commitMessage: "v1" });
    for (let i = 0; i < 3; i++)
      await server.call("GET", "/api/v1/client/prompts/greeting?label=latest");
    await server.call("POST", "/api/v1/traces", {
      traces: [{ startTime: new Date().toISOString() }, { startTime: "not a time" }],
    });
    const response = await scrape(TOKEN);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(
      /promptline_http_requests_total\{route="\/api\/v1\/prompts",method="POST",status="201"\} 1/,
    );
    expect(text).toMatch(/promptline_resolve_cache_total\{result="hit"\} [2-9]/);
    expect(text).toMatch(/promptline_traces_ingested_total\{source="api"\} 1/);
    expect(text).toMatch(/promptline_traces_rejected_total\{source="api"\} 1/);
    expect(text).toContain("promptline_http_request_duration_seconds_bucket");
    expect(text).toContain("promptline_process_resident_memory_bytes");
  });
});
