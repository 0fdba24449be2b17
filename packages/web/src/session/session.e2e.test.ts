import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";

describeInBrowser("signing in and out of the workspace in chromium", () => {
  test.override("signedIn", false);

  test("signs in with an API key into an httpOnly session, and signs out", async ({
    page,
    server,
  }) => {
    await page.goto("/");
    await page.waitForURL(/\/sign-in/);
    // Where a first key comes from.
    await page.getByText("PROMPTLINE_INIT_ADMIN_KEY").waitFor();

    await page.getByLabel("API key").fill("pl_not_a_real_key_0000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("unknown or revoked");
    // Said beside the field, which is marked invalid and described by it.
    const field = page.getByLabel("API key");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await field.getAttribute("aria-describedby")) ?? "";
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(
      "unknown or revoked",
    );

    await page.getByLabel("API key").fill(server.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Prompts" }).waitFor();

    // The session lives in a cookie the page's scripts cannot read, and nowhere else.
    expect(await page.evaluate(() => document.cookie)).toBe("");
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "promptline_session")?.httpOnly).toBe(true);

    await page.getByRole("button", { name: /^admin\s*admin$/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto("/");
    await page.waitForURL(/\/sign-in/);
  });

  test("sends a signed-out visitor to sign in, then back to the page they opened, filters included", async ({
    page,
    server,
  }) => {
    await page.goto("/traces?status=error");
    await page.waitForURL(/\/sign-in\?next=%2Ftraces%3Fstatus%3Derror$/);

    await page.getByLabel("API key").fill(server.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Traces" }).waitFor();
    const back = new URL(page.url());
    expect(back.pathname + back.search).toBe("/traces?status=error");
  });

  test("after signing in, goes only to a page of this site", async ({ page, server }) => {
    for (const next of ["/\\evil.example", "//evil.example", "https://evil.example"]) {
      await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
      await page.getByLabel("API key").fill(server.adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts" }).waitFor();
      expect(new URL(page.url()).origin).toBe(server.url);
      expect(new URL(page.url()).pathname).toBe("/");
      await page.context().clearCookies();
    }
  });
});
