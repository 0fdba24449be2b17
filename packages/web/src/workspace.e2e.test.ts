import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { enc, startTestServer, type TestServer } from "../../server/src/test-support/harness.js";

const CHROMIUM = process.env.PROMPTLINE_CHROMIUM ?? "/usr/bin/chromium";
/** Where failing runs leave a screenshot, for the CI log. */
const ARTIFACTS = "test-results";

/** Headless Debian chromium as this machine allows it: no sandbox as root, no background traffic. */
function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests drive Debian's chromium at ${CHROMIUM}: apt-get install chromium (or set PROMPTLINE_CHROMIUM); PROMPTLINE_TEST_BROWSER=none skips them explicitly`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

describe.skipIf(process.env.PROMPTLINE_TEST_BROWSER === "none")(
  "the web workspace in chromium",
  () => {
    let server: TestServer;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      server = await startTestServer("sqlite");
      const draft = { type: "chat", messages: [{ role: "system", content: "Help {{customer}}." }] };
      for (const name of ["support/refund-agent", "sales/upsell"]) {
        await server.call("POST", "/api/v1/prompts", { name, type: "chat", tags: ["demo"], draft });
        await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, { commitMessage: "v1" });
      }
      await server.call("POST", `/api/v1/prompts/${enc("support/refund-agent")}/deployments`, {
        environment: "production",
        version: 1,
      });
      browser = await launch();
      page = await browser.newPage();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    function screenshotOnFailure(name: string) {
      onTestFailed(async () => {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
      });
    }

    it("signs in with an API key into an httpOnly session, lists prompts, and signs out", async () => {
      screenshotOnFailure("sign-in");
      await page.goto(server.url);
      await page.waitForURL(/\/sign-in/);

      await page.getByLabel("API key").fill("pl_not_a_real_key_0000000000");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect
        .poll(() => page.getByRole("alert").textContent())
        .toContain("unknown or revoked");

      await page.getByLabel("API key").fill(server.adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Prompts" }).waitFor();
      const row = page.getByRole("row", { name: /support\/refund-agent/ });
      await row.waitFor();
      expect(await row.textContent()).toContain("production v1");
      expect(await page.getByRole("row", { name: /sales\/upsell/ }).count()).toBe(1);

      // The session lives in a cookie the page's scripts cannot read, and nowhere else.
      expect(await page.evaluate(() => document.cookie)).toBe("");
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === "promptline_session")?.httpOnly).toBe(true);

      await page.getByLabel("Search by name, tag or description").fill("refund");
      await expect.poll(() => page.getByRole("row", { name: /sales\/upsell/ }).count()).toBe(0);
      expect(await page.getByRole("row", { name: /support\/refund-agent/ }).count()).toBe(1);

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/sign-in/);
      await page.goto(server.url);
      await page.waitForURL(/\/sign-in/);
    });
  },
);
