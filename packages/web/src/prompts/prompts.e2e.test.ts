import { expect } from "vitest";
import { uniqueName } from "../../../server/src/test-support/harness.js";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

describeInBrowser("the prompts screen in chromium", () => {
  test("lists prompts with the version each environment serves, and narrows them by search", async ({
    page,
    server,
  }) => {
    const draft = "Help {{customer}}.";
    await createChatPrompt(server, "support/refund-agent", {
      versions: [draft],
      deployed: { production: 1 },
      tags: ["demo"],
    });
    await createChatPrompt(server, "sales/upsell", { versions: [draft], tags: ["demo"] });

    await page.goto("/");
    await page.getByRole("heading", { name: "Prompts" }).waitFor();
    const row = page.getByRole("row", { name: /support\/refund-agent/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("production v1");
    // When it last changed, in words.
    expect(await row.locator("time").textContent()).toMatch(/now|second|minute/);
    // Everything fits on one page: no paging buttons.
    expect(await page.getByRole("button", { name: "Next" }).count()).toBe(0);
    expect(await page.getByRole("row", { name: /sales\/upsell/ }).count()).toBe(1);

    await capture(page, "prompts");
    await page.getByLabel("Search by name, tag or description").fill("refund");
    await expect.poll(() => page.getByRole("row", { name: /sales\/upsell/ }).count()).toBe(0);
    expect(await page.getByRole("row", { name: /support\/refund-agent/ }).count()).toBe(1);
    // A search that finds nothing says so.
    await page.getByLabel("Search by name, tag or description").fill("no-such-prompt-anywhere");
    await page.getByText("Nothing has “no-such-prompt-anywhere” in its name").waitFor();
    expect(await page.getByRole("table").count()).toBe(0);
  });

  test("creates a prompt in the folder being browsed, and opens it for editing", async ({
    page,
    server,
  }) => {
    const folder = uniqueName("helpdesk");
    await createChatPrompt(server, `${folder}/refunds`, { draft: "Help {{customer}}." });

    await page.goto("/");
    const folders = page.getByRole("navigation", { name: "Folders" });
    await folders.getByRole("button", { name: `${folder} (1)` }).click();
    await page.getByRole("heading", { name: `Prompts in ${folder}/` }).waitFor();
    expect(
      await folders.getByRole("button", { name: `${folder} (1)` }).getAttribute("aria-current"),
    ).toBe("true");
    await page.getByText("New prompt").click();
    const dialog = page.getByRole("dialog", { name: "New prompt" });
    const form = dialog.getByRole("form", { name: "New prompt" });
    expect(await form.getByLabel("Name (folders with /)").inputValue()).toBe(`${folder}/`);
    // A name the server would refuse is said so beside the field, in words, before submitting.
    const nameField = form.getByLabel("Name (folders with /)");
    await nameField.fill(`${folder}//triage`);
    await form.getByText("A prompt name is one or more '/'-separated segments").waitFor();
    expect(await nameField.getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByRole("button", { name: "Create prompt" }).isDisabled()).toBe(true);
    await nameField.fill(`${folder}/triage`);
    expect(await nameField.getAttribute("aria-invalid")).toBeNull();
    await form.getByLabel("Tags (comma-separated)").fill("support, triage");
    await form.getByRole("button", { name: "Create prompt" }).click();
    await page.getByRole("heading", { name: `${folder}/triage` }).waitFor();
    await page
      .getByRole("alert")
      .filter({ hasText: `Created ${folder}/triage` })
      .waitFor();
    await page.getByRole("textbox", { name: "Message 1" }).waitFor();

    const created = await succeed<{ type: string; tags: string[] }>(
      server,
      "GET",
      `/api/v1/prompts/${enc(`${folder}/triage`)}`,
    );
    expect(created).toMatchObject({ type: "chat", tags: ["support", "triage"] });
    await page.getByRole("link", { name: "Prompts" }).click();
    await folders.getByRole("button", { name: `${folder} (2)` }).waitFor();
  });
});
