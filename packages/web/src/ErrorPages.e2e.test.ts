import { expect } from "vitest";
import { describeInBrowser, test } from "./test-support/browser.js";

describeInBrowser("addresses the workspace has no page for, in chromium", () => {
  test("shows a not-found page inside the frame, with a way back to the prompts", async ({
    page,
  }) => {
    await page.goto("/no/such/page");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(await page.getByRole("main").textContent()).toContain("/no/such/page");
    expect(await page.title()).toBe("Page not found · promptline");
    // The tab's icon is served with the UI.
    const icon = await page.locator('link[rel="icon"]').getAttribute("href");
    expect((await page.request.get(icon ?? "/missing")).headers()["content-type"]).toBe(
      "image/svg+xml",
    );
    // The frame's navigation is there, and the page's own link leads back.
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
    await page.getByRole("link", { name: "Go to the prompts" }).click();
    await page.getByRole("heading", { name: "Prompts" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
  });

  test("leads /prompts to the list, a missing prompt to its folder, and keeps the folder in the address", async ({
    page,
  }) => {
    await page.goto("/prompts/");
    await page.getByRole("heading", { name: "Prompts" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");

    await page.goto("/prompts/no-such-folder");
    const missing = page
      .getByRole("alert")
      .filter({ hasText: "There is no prompt named no-such-folder" });
    await missing.waitFor();
    expect(await missing.textContent()).not.toContain("encode");
    await missing.getByRole("link", { name: "Prompts in no-such-folder/" }).click();
    await page.getByRole("heading", { name: /^Prompts in no-such-folder\// }).waitFor();
    expect(new URL(page.url()).search).toBe("?folder=no-such-folder");
    // Back leaves the folder as it came.
    await page.goBack();
    await missing.waitFor();
  });
});
