import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

describeInBrowser("a session that ends while work is open, in chromium", () => {
  test("keeps the unsaved draft on the page, offers to sign in again, and then saves it", async ({
    page,
    server,
  }) => {
    const name = "session/ends";
    await createChatPrompt(server, name, { versions: ["Answer."] });
    await page.goto(`/prompts/${name}`);
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Kindly.");
    await page.getByText("Unsaved changes").waitFor();

    // Signed out elsewhere (another tab shares the cookie): this tab's save is refused.
    const signOut = await page.request.delete("/api/v1/session", {
      headers: { "x-promptline-client": "web" },
    });
    expect(signOut.status()).toBe(204);
    await page.getByRole("button", { name: "Save draft" }).click();
    const ended = page.getByRole("alert").filter({ hasText: "Your session has ended" });
    await ended.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/prompts/${name}`);
    expect(await editor.textContent()).toBe("Answer. Kindly.");
    const link = ended.getByRole("link", { name: "sign in again in a new tab" });
    expect(await link.getAttribute("target")).toBe("_blank");
    // Coming back to the tab refetches the prompt, which is refused too: the editor stays.
    await page.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
    await page.waitForTimeout(500);
    expect(await editor.textContent()).toBe("Answer. Kindly.");

    // Signed in again (in the other tab): the frame finds out by itself, and the save goes through.
    const signIn = await page.request.post("/api/v1/session", {
      data: { apiKey: server.adminKey },
    });
    expect(signIn.status()).toBe(200);
    await ended.waitFor({ state: "detached", timeout: 12_000 });
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();
    const saved = await succeed<{ draft: { messages: Array<{ content: string }> } }>(
      server,
      "GET",
      `/api/v1/prompts/${enc(name)}`,
    );
    expect(saved.draft.messages[0]?.content).toBe("Answer. Kindly.");
  });

  test("keeps the page when the server cannot be reached, and says so", async ({
    page,
    server,
  }) => {
    const name = "session/unreachable";
    await createChatPrompt(server, name, { versions: ["Answer."] });
    await page.goto(`/prompts/${name}`);
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Briefly.");
    await page.getByText("Unsaved changes").waitFor();

    // The server goes away, and the person comes back to the tab.
    // Every call fails: the session's, and the prompt's own refetch.
    await page.route("**/api/v1/**", (route) => route.abort("connectionrefused"));
    // TanStack Query listens on the window for the tab coming back into view.
    await page.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
    const away = page.getByRole("alert").filter({ hasText: "The server cannot be reached" });
    await away.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/prompts/${name}`);
    expect(await editor.textContent()).toBe("Answer. Briefly.");

    await page.unroute("**/api/v1/**");
    await away.waitFor({ state: "detached", timeout: 12_000 });
    expect(await editor.textContent()).toBe("Answer. Briefly.");
  });
});
