import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

/** Someone else saves the draft (another tab, the CLI), and this tab comes back into view. */
async function savedElsewhere(
  server: Parameters<typeof succeed>[0],
  page: import("playwright-core").Page,
  name: string,
  content: string,
) {
  await succeed(server, "PUT", `/api/v1/prompts/${enc(name)}/draft`, {
    type: "chat",
    messages: [{ role: "system", content }],
  });
  await page.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
}

describeInBrowser("a draft saved elsewhere while the editor is open, in chromium", () => {
  test("is taken in when nothing here is unsaved, and asked about when something is", async ({
    page,
    server,
  }) => {
    const name = "editor/elsewhere";
    await createChatPrompt(server, name, { versions: ["Answer."] });
    await page.goto(`/prompts/${name}`);
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.waitFor();

    // Nothing unsaved here: the new draft simply shows.
    await savedElsewhere(server, page, name, "Answer from the CLI.");
    await expect.poll(() => editor.textContent()).toBe("Answer from the CLI.");
    await page.getByText("Saved", { exact: true }).waitFor();

    // Unsaved changes here: they stay, and the person is asked.
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Mine.");
    await savedElsewhere(server, page, name, "Theirs.");
    const asked = page.getByRole("alert").filter({ hasText: "The draft was saved elsewhere" });
    await asked.waitFor();
    expect(await editor.textContent()).toBe("Answer from the CLI. Mine.");
    await asked.getByRole("button", { name: "Keep mine" }).click();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();
    const kept = await succeed<{ draft: { messages: Array<{ content: string }> } }>(
      server,
      "GET",
      `/api/v1/prompts/${enc(name)}`,
    );
    expect(kept.draft.messages[0]?.content).toBe("Answer from the CLI. Mine.");

    // Saving here while asked settles it: the question goes.
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Again.");
    await savedElsewhere(server, page, name, "Someone else.");
    await asked.waitFor();
    await page.getByRole("button", { name: "Save draft" }).click();
    await asked.waitFor({ state: "detached" });

    // So does the draft elsewhere going back to what this editor started from.
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Still.");
    await savedElsewhere(server, page, name, "Briefly someone else.");
    await asked.waitFor();
    await savedElsewhere(server, page, name, "Answer from the CLI. Mine. Again.");
    await asked.waitFor({ state: "detached" });
    expect(await editor.textContent()).toBe("Answer from the CLI. Mine. Again. Still.");

    // Or theirs is loaded, and this tab's changes are dropped.
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" More.");
    await savedElsewhere(server, page, name, "Theirs again.");
    await asked.getByRole("button", { name: "Load the saved draft" }).click();
    await expect.poll(() => editor.textContent()).toBe("Theirs again.");
    await page.getByText("Saved", { exact: true }).waitFor();
  });

  test("keeps what is typed while its own save is on the way", async ({ page, server }) => {
    const name = "editor/typing-during-save";
    await createChatPrompt(server, name, { versions: ["Answer."] });
    await page.goto(`/prompts/${name}`);
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" One.");
    // The save takes a moment to answer; typing carries on meanwhile.
    await page.route(`**/api/v1/prompts/${enc(name)}/draft`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    await page.keyboard.press("Control+s");
    await page.keyboard.type(" Two.");
    await page.getByText("The draft is saved.").waitFor();
    await page.getByText("Unsaved changes").waitFor();
    expect(await editor.textContent()).toBe("Answer. One. Two.");
  });
});
