/**
 * What every browser test of the workspace shares: a real server on a fresh SQLite database and
 * Debian's chromium, once per test file; a page of its own for each test, signed in unless the
 * suite says otherwise; a screenshot when a test fails; and a failure for anything the
 * Content-Security-Policy refused.
 */
import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { test as base, describe, expect } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/test-support/harness.js";

const CHROMIUM = process.env.PROMPTLINE_CHROMIUM ?? "/usr/bin/chromium";
/** Where failing runs leave a screenshot, for the CI log. */
const ARTIFACTS = "test-results";
/** Set to a folder (docs/screenshots) to keep pictures of the main screens for the README. */
const SCREENSHOTS = process.env.PROMPTLINE_SCREENSHOTS;

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

/** `Deploys, rolls back…` → `deploys-rolls-back…`: a test's name as a file name. */
const fileNameOf = (testName: string) =>
  testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80);

/**
 * `test` with the workspace's fixtures: `server` and `browser` for the file, and `page` for the
 * test, in a browser context of its own whose base URL is the server (`page.goto("/traces")`).
 */
export const test = base
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads what a fixture needs from this pattern; nothing
  .extend("server", { scope: "file" }, async ({}, { onCleanup }) => {
    const server = await startTestServer("sqlite");
    onCleanup(() => server.stop());
    return server;
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads what a fixture needs from this pattern; nothing
  .extend("browser", { scope: "file" }, async ({}, { onCleanup }) => {
    const browser = await launch();
    onCleanup(() => browser.close());
    return browser;
  })
  /** Whether each page starts with a session; the sign-in screen's own tests start without. */
  .extend("signedIn", true as boolean)
  .extend("page", async ({ browser, server, signedIn, task }, { onCleanup }) => {
    const context = await browser.newContext({ baseURL: server.url });
    // Shorter than the test's own timeout, so a failure names the element it waited for.
    context.setDefaultTimeout(15_000);
    /** What the Content-Security-Policy refused: the UI must work within it, so nothing. */
    const refusedByPolicy: string[] = [];
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) refusedByPolicy.push(message.text());
    });
    onCleanup(async () => {
      try {
        if (task.result?.state === "fail") {
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({
            path: `${ARTIFACTS}/${fileNameOf(task.name)}.png`,
            fullPage: true,
          });
        }
      } finally {
        await context.close();
      }
      expect(refusedByPolicy).toEqual([]);
    });
    if (signedIn) await signIn(page, server);
    return page;
  });

/** Skipped as a whole on a machine without a browser, when PROMPTLINE_TEST_BROWSER=none says so. */
export const describeInBrowser = describe.skipIf(process.env.PROMPTLINE_TEST_BROWSER === "none");

/** Opens a session for the page as the server's admin, the way the sign-in screen does. */
async function signIn(page: Page, server: TestServer): Promise<void> {
  const response = await page.request.post("/api/v1/session", {
    data: { apiKey: server.adminKey },
  });
  expect(response.status()).toBe(200);
}

/**
 * Keeps a picture of the page under `name` when PROMPTLINE_SCREENSHOTS names a folder: the whole
 * page, or only the window (for a dialog, whose overlay covers the window alone).
 */
export async function capture(
  page: Page,
  name: string,
  { fullPage = true }: { fullPage?: boolean } = {},
): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The frame's header is fixed: from the top, it is drawn where it belongs (not for a dialog,
  // which stays where it opened). Dialogs and toasts fade in: the picture waits for them.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage });
}

/** How far the page is wider than the window: 0 when nothing runs off to the side. */
export const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
