import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";
import { succeed } from "../test-support/seed.js";

// A file of its own: it needs a workspace holding only what an interrupted example leaves.
describeInBrowser("an interrupted example in chromium", () => {
  test("offers to finish an example that was interrupted, and finishes it without duplicates", async ({
    page,
    server,
  }) => {
    // What a run stopped after its second step leaves: the connection and a prompt, no versions.
    await succeed(server, "POST", "/api/v1/providers", { name: "example-echo", kind: "echo" });
    await succeed(server, "POST", "/api/v1/prompts", {
      name: "examples/support-reply",
      type: "chat",
    });
    await page.goto("/");
    await page.getByRole("button", { name: "Create an example" }).click();
    const serving = page.getByRole("list", { name: "What each environment serves" });
    await expect.poll(() => serving.textContent()).toContain("staging v2");
    const versions = await succeed<{ items: unknown[] }>(
      server,
      "GET",
      "/api/v1/prompts/examples%2Fsupport-reply/versions",
    );
    expect(versions.items).toHaveLength(2);
  });
});
