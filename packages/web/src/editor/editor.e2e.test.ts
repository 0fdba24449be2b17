import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

describeInBrowser("the template editor in chromium", () => {
  test("marks each template variable of a message as it is typed, and Control-Z undoes the typing", async ({
    page,
    server,
  }) => {
    const name = "editor/variables";
    await createChatPrompt(server, name, { versions: ["Answer the customer."] });

    await page.goto(`/prompts/${name}`);
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Greet {{customer}} about order {{ order.id }}, not {{ 1x }}.");
    await page.getByText("Unsaved changes").waitFor();
    const marked = editor.locator(".cm-variable");
    await expect.poll(() => marked.allTextContents()).toEqual(["{{customer}}", "{{ order.id }}"]);

    await page.keyboard.press("Control+z");
    await expect.poll(() => editor.textContent()).toBe("Answer the customer.");
    expect(await marked.count()).toBe(0);
    await page.getByText("Saved", { exact: true }).waitFor();

    // Ctrl+S saves the draft from inside the editor, not the browser's "save page".
    await page.keyboard.type(" Be brief.");
    await page.getByText("Unsaved changes").waitFor();
    await page.keyboard.press("Control+s");
    await page.getByText("Saved", { exact: true }).waitFor();
    const saved = await succeed<{ draft: { messages: Array<{ content: string }> } }>(
      server,
      "GET",
      `/api/v1/prompts/${enc(name)}`,
    );
    expect(saved.draft.messages[0]?.content).toBe("Answer the customer. Be brief.");
  });

  test("keeps what is being typed while the prompt changes elsewhere", async ({ page, server }) => {
    const name = "editor/typing";
    await createChatPrompt(server, name, { versions: ["Answer the customer."] });

    await page.goto(`/prompts/${name}`);
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Be brief.");
    await page.getByText("Unsaved changes").waitFor();

    // A deploy from the CLI makes the page fetch the prompt again, draft included.
    await succeed(server, "POST", `/api/v1/prompts/${enc(name)}/deployments`, {
      environment: "staging",
      version: 1,
    });
    const serving = page.getByRole("list", { name: "What each environment serves" });
    await expect.poll(() => serving.textContent()).toContain("staging v1");
    expect(await editor.textContent()).toBe("Answer the customer. Be brief.");
    await page.keyboard.type(" Sign with {{agent}}.");
    await expect
      .poll(() => editor.textContent())
      .toBe("Answer the customer. Be brief. Sign with {{agent}}.");
    expect(await page.getByText("Unsaved changes").count()).toBe(1);
  });

  test("adds, moves and removes messages and placeholders, with a hint in an empty message", async ({
    page,
    server,
  }) => {
    const name = "editor/arranged";
    await createChatPrompt(server, name, { versions: ["Answer {{question}}."] });

    await page.goto(`/prompts/${name}`);
    await page.getByRole("button", { name: "Add message" }).click();
    const empty = page.getByRole("textbox", { name: "Message 2" });
    expect(await empty.locator("..").textContent()).toContain("What the user says");
    await page.getByRole("button", { name: "Remove message 2" }).click();
    await page.getByRole("button", { name: "Add placeholder" }).click();
    // The placeholder goes before the system message, then back after it.
    await page.getByRole("button", { name: "Move message 2 up" }).click();
    expect(await page.getByRole("button", { name: "Move message 1 up" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Move message 1 down" }).click();
    await page.getByLabel(/^Placeholder 2/).fill("conversation");
    await page.keyboard.press("Control+s");
    await page.getByText("Saved", { exact: true }).waitFor();
    const saved = await succeed<{ draft: { messages: unknown[] } }>(
      server,
      "GET",
      `/api/v1/prompts/${enc(name)}`,
    );
    expect(saved.draft.messages).toEqual([
      { role: "system", content: "Answer {{question}}." },
      { type: "placeholder", name: "conversation" },
    ]);
  });
});
