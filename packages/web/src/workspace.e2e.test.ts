import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { startFakeOpenAI } from "../../server/src/test-support/fake-openai.js";
import { enc, startTestServer, type TestServer } from "../../server/src/test-support/harness.js";

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

describe.skipIf(process.env.PROMPTLINE_TEST_BROWSER === "none")(
  "the web workspace in chromium",
  () => {
    let server: TestServer;
    let browser: Browser;
    let page: Page;
    /** What the Content-Security-Policy refused: the UI must work within it, so nothing. */
    const refusedByPolicy: string[] = [];

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
      page.on("console", (message) => {
        if (message.text().includes("Content Security Policy"))
          refusedByPolicy.push(message.text());
      });
    });
    afterEach(() => {
      expect(refusedByPolicy.splice(0)).toEqual([]);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    async function capture(name: string) {
      if (!SCREENSHOTS) return;
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
    }

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

      await capture("prompts");
      await page.getByLabel("Search by name, tag or description").fill("refund");
      await expect.poll(() => page.getByRole("row", { name: /sales\/upsell/ }).count()).toBe(0);
      expect(await page.getByRole("row", { name: /support\/refund-agent/ }).count()).toBe(1);

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/sign-in/);
      await page.goto(server.url);
      await page.waitForURL(/\/sign-in/);
    });

    it("deploys, rolls back with a confirmation that says what changes, and follows changes made elsewhere", async () => {
      screenshotOnFailure("deploy-rollback");
      const name = "support/refund-agent";
      await server.call("PUT", `/api/v1/prompts/${enc(name)}/draft`, {
        type: "chat",
        messages: [{ role: "system", content: "Help {{customer}} kindly." }],
      });
      await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, {
        commitMessage: "kinder",
      });

      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel("API key").fill(server.adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("link", { name }).click();
      await page.getByRole("heading", { name }).waitFor();
      const production = page.getByRole("row", { name: "environment production" });
      await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");
      const versions = page.getByRole("region", { name: "Versions", exact: true });
      expect(await versions.textContent()).toContain("kinder");

      await production.getByLabel("Version to deploy to production").selectOption("2");
      await production.getByRole("button", { name: "Deploy to production" }).click();
      await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v2");

      await production.getByRole("button", { name: "Roll back production" }).click();
      const dialog = page.getByRole("dialog", { name: "Confirm rollback" });
      await capture("rollback-confirmation");
      expect(await dialog.textContent()).toContain(
        "Roll back production from v2 to v1, undoing the deploy to v2 by apikey:admin",
      );
      await dialog.getByRole("button", { name: "Roll back", exact: true }).click();
      await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");
      const timeline = page.getByRole("list", { name: "Deployment timeline" });
      await expect.poll(() => timeline.textContent()).toContain("rolled back production: v2 → v1");

      // A change made elsewhere (the CLI, another person) shows up without a reload.
      await server.call("POST", `/api/v1/prompts/${enc(name)}/deployments`, {
        environment: "staging",
        version: 2,
        reason: "from the CLI",
      });
      const staging = page.getByRole("row", { name: "environment staging" });
      await expect.poll(() => staging.getByRole("cell").nth(1).textContent()).toBe("v2");
      await expect.poll(() => timeline.textContent()).toContain("from the CLI");
    });

    it("edits the draft with unsaved-change protection, publishes with the suggested bump, and diffs versions", async () => {
      screenshotOnFailure("edit-publish-diff");
      const name = "sales/upsell";
      await page.goto(`${server.url}/prompts/${name}`);
      await page.getByRole("heading", { name }).waitFor();
      const editor = page.getByRole("textbox", { name: "Message 1" });
      await editor.click();
      await page.keyboard.press("End");
      await page.keyboard.type(" Offer the yearly plan to {{plan}} customers.");
      await page.getByText("Unsaved changes").waitFor();
      // Leaving with unsaved changes asks first.
      await page.getByRole("link", { name: "Prompts" }).click();
      await page
        .getByRole("alertdialog", { name: "Unsaved changes" })
        .getByRole("button", { name: "Stay" })
        .click();
      await page.getByRole("button", { name: "Save draft" }).click();
      await page.getByText("Saved", { exact: true }).waitFor();

      const publish = page.getByRole("form", { name: "Publish the draft" });
      await publish.waitFor();
      // A new variable changes what callers must send: the server suggests a major bump.
      expect(await publish.textContent()).toContain("2.0.0");
      expect(await page.getByRole("list", { name: "Why this bump level" }).textContent()).toContain(
        "plan",
      );
      await publish.getByLabel("Commit message").fill("offer the yearly plan");
      await publish.getByRole("button", { name: "Publish" }).click();
      await page.getByRole("status").filter({ hasText: "Published v2." }).waitFor();

      const compare = page.getByRole("region", { name: "Compare versions" });
      await compare.waitFor();
      await expect
        .poll(() => compare.getByRole("list", { name: "Changed fields" }).textContent())
        .toContain("messages");
      expect(await compare.locator(".cm-changedText").count()).toBeGreaterThan(0);
    });

    it("explores traces by filter, opens one, and attaches feedback", async () => {
      screenshotOnFailure("traces");
      const now = Date.now();
      await server.call("POST", "/api/v1/traces", {
        traces: [
          {
            id: "ui-trace-ok-1",
            startTime: new Date(now - 2000).toISOString(),
            latencyMs: 420,
            prompt: { name: "support/refund-agent", version: 1, label: "production" },
            model: "gpt-4o-mini",
            input: [{ role: "user", content: "Where is my refund for order 42?" }],
            output: [{ role: "assistant", content: "It was sent on Monday." }],
            usage: { inputTokens: 1000, outputTokens: 200 },
            userId: "ada",
          },
          {
            id: "ui-trace-err-1",
            startTime: new Date(now - 1000).toISOString(),
            prompt: { name: "support/refund-agent", version: 2 },
            model: "gpt-4o-mini",
            status: "error",
            error: "provider 'openai' answered 503: overloaded",
          },
        ],
      });
      await page.goto(`${server.url}/traces`);
      await page.getByRole("heading", { name: "Traces" }).waitFor();
      const rows = page.getByRole("table").getByRole("row");
      await expect.poll(() => rows.count()).toBe(3);
      await capture("traces");
      await page.getByLabel("Status").selectOption("error");
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(1).textContent()).toContain("support/refund-agent v2");
      await page.getByLabel("Status").selectOption("");
      await page.getByLabel("User").fill("ada");
      await expect.poll(() => rows.count()).toBe(2);

      await rows.nth(1).getByRole("link").click();
      await page.getByRole("heading", { name: "Trace ui-trace-ok-1" }).waitFor();
      expect(await page.getByRole("list", { name: "Input messages" }).textContent()).toContain(
        "Where is my refund for order 42?",
      );
      // gpt-4o-mini: 1,000 × $0.15/M + 200 × $0.60/M.
      expect(await page.locator(".facts").textContent()).toContain("$0.000270");

      await capture("trace");
      await page.getByLabel("Comment (optional)").fill("too vague");
      await page.getByRole("button", { name: "Thumbs down" }).click();
      await expect
        .poll(() => page.getByRole("list", { name: "Scores" }).textContent())
        .toContain("too vague");

      await page.goto(`${server.url}/traces?scoreName=feedback&maxScore=0`);
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(1).textContent()).toContain("ada");
    });

    it("manages provider connections with write-only keys, API keys shown once, and prices", async () => {
      screenshotOnFailure("settings");
      await page.goto(`${server.url}/settings`);
      await page.getByRole("heading", { name: "Settings" }).waitFor();

      const connect = page.getByRole("form", { name: "Connect a provider" });
      await connect.getByLabel("Name").fill("openai");
      await connect.getByLabel("Base URL").fill("https://api.openai.com/v1");
      await connect.getByLabel("API key (write-only)").fill("sk-ui-secret-key-abcdefgh1234");
      await connect.getByRole("button", { name: "Connect" }).click();
      const provider = page.getByRole("row", { name: "provider openai" });
      await expect.poll(() => provider.textContent()).toContain("…1234");
      expect(await page.content()).not.toContain("sk-ui-secret-key");

      const create = page.getByRole("form", { name: "Create an API key" });
      await create.getByLabel("Key name").fill("checkout-service");
      await create.getByRole("button", { name: "Create key" }).click();
      const shown = page.getByRole("status").filter({ hasText: "shown only this once" });
      const secret = (await shown.locator("code").textContent()) ?? "";
      expect(secret).toMatch(/^pl_/);
      const row = page.getByRole("row", { name: "key checkout-service" });
      await row.getByRole("button", { name: "Revoke checkout-service" }).click();
      await expect.poll(() => row.textContent()).toContain("revoked");
      const revoked = await fetch(`${server.url}/api/v1/environments`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(revoked.status).toBe(401);

      await capture("settings");
      const price = page.getByRole("form", { name: "Set a model price" });
      await price.getByLabel("Model").fill("my-finetune");
      await price.getByLabel("Input").fill("0.3");
      await price.getByLabel("Output").fill("1.2");
      await price.getByRole("button", { name: "Set price" }).click();
      await expect
        .poll(() => page.getByRole("row", { name: "price my-finetune" }).textContent())
        .toContain("project");
    });

    it("charts each version over time with the deployments and rollbacks marked", async () => {
      screenshotOnFailure("dashboard");
      const name = "support/refund-agent";
      const now = Date.now();
      const traces = Array.from({ length: 12 }, (_, i) => ({
        id: `dash-${i}-trace`,
        startTime: new Date(now - (12 - i) * 60_000).toISOString(),
        latencyMs: i % 2 === 0 ? 300 : 900,
        prompt: { name, version: i % 2 === 0 ? 1 : 2, label: "production" },
        model: "gpt-4o-mini",
        usage: { inputTokens: 500, outputTokens: i % 2 === 0 ? 50 : 150 },
      }));
      await server.call("POST", "/api/v1/traces", { traces });
      await page.goto(`${server.url}/prompts/${name}`);
      const dashboard = page.getByRole("region", { name: "Dashboard" });
      await dashboard.waitFor();
      const totals = dashboard.getByRole("table", { name: "Per version totals" });
      await expect.poll(() => totals.getByRole("row").count()).toBeGreaterThanOrEqual(3);
      expect(await totals.textContent()).toContain("v2");
      const chart = dashboard.getByRole("figure", { name: "Calls per version" });
      await expect.poll(() => chart.locator(".recharts-line").count()).toBeGreaterThanOrEqual(2);
      // The deploy and the rollback made earlier in this run are marked on the time axis.
      expect(await chart.textContent()).toContain("rollback production → v1");
      await dashboard.getByLabel("Measure").selectOption("latencyP50");
      await dashboard.getByRole("figure", { name: "Latency p50 (ms) per version" }).waitFor();
      await capture("prompt-page");
    });

    it("runs versions side by side in the playground against a provider, and the runs become traces on the dashboard", async () => {
      screenshotOnFailure("playground");
      const upstream = await startFakeOpenAI();
      try {
        await server.call("POST", "/api/v1/providers", {
          name: "local",
          kind: "openai",
          baseUrl: upstream.url,
          apiKey: "sk-local-test-key-0123456789",
        });
        const name = "playground/greeter";
        await server.call("POST", "/api/v1/prompts", {
          name,
          type: "chat",
          draft: {
            type: "chat",
            messages: [{ role: "system", content: "Greet {{person}} warmly." }],
            config: { provider: "local", model: "gpt-4o-mini" },
          },
        });
        await server.call("POST", `/api/v1/prompts/${enc(name)}/versions`, { commitMessage: "v1" });
        await server.call("POST", `/api/v1/prompts/${enc(name)}/deployments`, {
          environment: "production",
          version: 1,
        });

        await page.goto(`${server.url}/playground`);
        await page.getByRole("heading", { name: "Playground" }).waitFor();
        await page.getByLabel("Prompt", { exact: true }).fill(name);
        const person = page.getByLabel("person (required)");
        await person.waitFor();
        await person.fill("Ada");
        await page.getByLabel("User message").fill("Hi there");
        await page.getByRole("button", { name: "Run" }).click();
        for (const index of [1, 2]) {
          const result = page.getByRole("region", { name: `Result ${index}` });
          await expect
            .poll(() => result.getByLabel(`Output ${index}`).textContent())
            .toBe("echo: Hi there");
          await expect.poll(() => result.textContent()).toMatch(/\$0\.0000\d+/);
        }
        const sent = upstream.requests.at(-1)?.body;
        expect(sent.messages[0]).toEqual({ role: "system", content: "Greet Ada warmly." });
        await capture("playground");

        const snippets = page.getByText("Use this from code");
        await snippets.click();
        expect(await page.getByLabel("openai snippet").inputValue()).toContain(
          `prompt:${name}@production`,
        );

        // The runs were traced like any production call, with what they were filled with.
        const list = await server.call<{ items: Array<{ id: string }> }>(
          "GET",
          `/api/v1/traces?prompt=${enc(name)}`,
        );
        expect(list.body.items.length).toBe(2);
        await page.goto(`${server.url}/traces?prompt=${enc(name)}`);
        const traceRows = page.getByRole("table").getByRole("row");
        await expect.poll(() => traceRows.count()).toBe(3);
        expect(await traceRows.nth(1).textContent()).toContain(`${name} v1`);
        await page.goto(`${server.url}/playground`);
        await page.getByLabel("Prompt", { exact: true }).fill(name);
        await page.getByLabel("person (required)").fill("");
        await page.getByLabel("Load inputs from trace").fill(list.body.items[0]?.id ?? "");
        await page.getByRole("button", { name: "Load" }).click();
        await expect.poll(() => page.getByLabel("person (required)").inputValue()).toBe("Ada");

        await page.goto(`${server.url}/prompts/${name}`);
        const chart = page.getByRole("figure", { name: "Calls per version" });
        await expect.poll(() => chart.locator(".recharts-line").count()).toBeGreaterThanOrEqual(1);
      } finally {
        await upstream.close();
      }
    });

    it("creates a prompt in a folder, and compares its draft with production in the playground", async () => {
      screenshotOnFailure("create-and-compare-draft");
      const upstream = await startFakeOpenAI();
      try {
        await server.call("PATCH", "/api/v1/providers/local", {
          baseUrl: upstream.url,
          apiKey: "sk-local-test-key-0123456789",
        });
        await page.goto(server.url);
        const folders = page.getByRole("navigation", { name: "Folders" });
        await folders.getByRole("button", { name: "support (1)" }).click();
        await page.getByRole("heading", { name: "Prompts in support/" }).waitFor();
        await page.getByText("New prompt").click();
        const form = page.getByRole("form", { name: "New prompt" });
        expect(await form.getByLabel("Name (folders with /)").inputValue()).toBe("support/");
        await form.getByLabel("Name (folders with /)").fill("support/triage");
        await form.getByLabel("Tags (comma-separated)").fill("support, triage");
        await form.getByRole("button", { name: "Create prompt" }).click();
        await page.getByRole("heading", { name: "support/triage" }).waitFor();

        const editor = page.getByRole("textbox", { name: "Message 1" });
        await editor.click();
        await page.keyboard.type("Sort the ticket of {{team}}.");
        await page
          .getByRole("textbox", { name: "Settings (JSON)" })
          .evaluate((element) => element.focus());
        await page.keyboard.press("Control+A");
        await page.keyboard.type('{"config": {"provider": "local", "model": "gpt-4o-mini"}}');
        await page.getByRole("button", { name: "Save draft" }).click();
        await page.getByText("Saved", { exact: true }).waitFor();
        const publish = page.getByRole("form", { name: "Publish the draft" });
        await publish.getByLabel("Commit message").fill("first triage prompt");
        await publish.getByRole("button", { name: "Publish" }).click();
        await page.getByRole("status").filter({ hasText: "Published v1." }).waitFor();
        const production = page.getByRole("row", { name: "environment production" });
        await production.getByRole("button", { name: "Deploy to production" }).click();
        await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");

        await page.goto(`${server.url}/playground`);
        await page.getByLabel("Prompt", { exact: true }).fill("support/triage");
        await page.getByLabel("Column 1").selectOption("@draft");
        await page.getByLabel("Column 2").selectOption("@production");
        await page.getByLabel("team (required)").fill("billing");
        await page.getByLabel("User message").fill("Card declined");
        await page.getByRole("button", { name: "Run" }).click();
        for (const index of [1, 2]) {
          await expect
            .poll(() => page.getByLabel(`Output ${index}`).textContent())
            .toBe("echo: Card declined");
        }
        const traces = await server.call<{ items: Array<{ prompt: { label: string | null } }> }>(
          "GET",
          `/api/v1/traces?prompt=${enc("support/triage")}`,
        );
        expect(traces.body.items.map((t) => t.prompt.label).sort()).toEqual([
          "draft",
          "production",
        ]);
      } finally {
        await upstream.close();
      }
    });
  },
);
