import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";
import { succeed } from "../test-support/seed.js";

describeInBrowser("an empty workspace in chromium", () => {
  test("offers a viewer the example only with the reason it cannot make it", async ({
    page,
    server,
  }) => {
    const viewer = await succeed<{ key: string }>(server, "POST", "/api/v1/api-keys", {
      name: "looker",
      role: "viewer",
    });
    await page.request.post("/api/v1/session", { data: { apiKey: viewer.key } });
    await page.goto("/");
    const create = page.getByRole("button", { name: "Create an example" });
    await create.waitFor();
    expect(await create.isDisabled()).toBe(true);
    await page.getByText("Creating the example needs an admin key").waitFor();
  });

  test("creates an example with two versions, an echo connection and a day of traces", async ({
    page,
    server,
  }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "Create an example" }).click();
    await page.getByRole("heading", { name: "examples/support-reply" }).waitFor();
    const serving = page.getByRole("list", { name: "What each environment serves" });
    await expect.poll(() => serving.textContent()).toContain("production v1");
    expect(await serving.textContent()).toContain("staging v2");

    const traces = await succeed<{ items: Array<{ prompt: { version: number } }> }>(
      server,
      "GET",
      "/api/v1/traces?prompt=examples%2Fsupport-reply&limit=50",
    );
    expect(traces.items).toHaveLength(12);
    // Two failed, so the error filter and rate have something to show.
    const failed = await succeed<{ items: unknown[] }>(
      server,
      "GET",
      "/api/v1/traces?prompt=examples%2Fsupport-reply&status=error",
    );
    expect(failed.items).toHaveLength(2);
    // Staging served v1 before v2: it has a deploy to roll back.
    const staging = await succeed<{ items: Array<{ toVersion: number }> }>(
      server,
      "GET",
      "/api/v1/prompts/examples%2Fsupport-reply/deployments?environment=staging",
    );
    expect(staging.items.map((d) => d.toVersion)).toEqual([2, 1]);
    // All of them within the dashboard's last 24 hours.
    const metrics = await succeed<{ versions: Array<{ calls: number }> }>(
      server,
      "GET",
      "/api/v1/metrics/versions?prompt=examples%2Fsupport-reply&bucket=hour",
    );
    expect(metrics.versions.reduce((sum, v) => sum + v.calls, 0)).toBe(12);
    const providers = await succeed<{ items: Array<{ name: string; kind: string }> }>(
      server,
      "GET",
      "/api/v1/providers",
    );
    expect(providers.items).toContainEqual(
      expect.objectContaining({ name: "example-echo", kind: "echo" }),
    );
    // The example's prompt runs in the playground through its echo connection.
    const run = await server.call("POST", "/v1/chat/completions", {
      model: "prompt:examples/support-reply",
      messages: [],
      promptline: { variables: { question: "Hello?" } },
    });
    expect(run.status).toBe(200);
    // The workspace is no longer empty: the offer is gone.
    await page.goto("/");
    await page.getByRole("row", { name: /examples\/support-reply/ }).waitFor();
    expect(await page.getByRole("button", { name: "Create an example" }).count()).toBe(0);
  });
});
