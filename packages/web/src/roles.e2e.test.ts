import type { Page } from "playwright-core";
import { expect } from "vitest";
import { describeInBrowser, test } from "./test-support/browser.js";
import { createChatPrompt, succeed } from "./test-support/seed.js";

/** Signs the page in with a new key of the given role. */
async function signInAs(page: Page, server: Parameters<typeof succeed>[0], role: string) {
  const created = await succeed<{ key: string }>(server, "POST", "/api/v1/api-keys", {
    name: `a-${role}`,
    role,
  });
  expect(
    (await page.request.post("/api/v1/session", { data: { apiKey: created.key } })).status(),
  ).toBe(200);
}

describeInBrowser("what each role is offered, in chromium", () => {
  test("a viewer sees creating and saving prompts off, with the reason written beside them", async ({
    page,
    server,
  }) => {
    const name = "roles/read-only";
    await createChatPrompt(server, name, { versions: ["Answer."] });
    await signInAs(page, server, "viewer");

    await page.goto("/");
    expect(await page.getByRole("button", { name: "New prompt" }).isDisabled()).toBe(true);
    await page.getByText("Creating prompts needs an editor or admin key.").waitFor();

    await page.goto(`/prompts/${name}`);
    await page.getByRole("textbox", { name: "Message 1" }).click();
    await page.keyboard.press("End");
    await page.keyboard.type(" More.");
    expect(await page.getByRole("button", { name: "Save draft" }).isDisabled()).toBe(true);
    await page.getByText(/^Your key's role \(viewer\) can read the draft/).waitFor();
    expect(await page.getByRole("form", { name: "Publish the draft" }).count()).toBe(0);
  });

  test("an editor sees the settings it cannot change without their forms, and says why", async ({
    page,
    server,
  }) => {
    await succeed(server, "POST", "/api/v1/providers", { name: "roles-echo", kind: "echo" });
    await signInAs(page, server, "editor");
    await page.goto("/settings");
    await page.getByText("Connecting and removing providers needs an admin key.").waitFor();
    await page.getByText("Setting and restoring prices needs an admin key.").waitFor();
    expect(await page.getByRole("form", { name: "Connect a provider" }).count()).toBe(0);
    expect(await page.getByRole("form", { name: "Set a model price" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Remove roles-echo" }).isDisabled()).toBe(true);
  });
});
