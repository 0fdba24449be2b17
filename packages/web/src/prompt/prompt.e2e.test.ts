import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

describeInBrowser("a prompt's screen in chromium", () => {
  test("deploys, rolls back with a confirmation that says what changes, and follows changes made elsewhere", async ({
    page,
    server,
  }) => {
    const name = "support/refund-agent";
    await createChatPrompt(server, name, {
      versions: ["Help {{customer}}."],
      deployed: { production: 1 },
    });
    await succeed(server, "PUT", `/api/v1/prompts/${enc(name)}/draft`, {
      type: "chat",
      messages: [{ role: "system", content: "Help {{customer}} kindly." }],
    });
    await succeed(server, "POST", `/api/v1/prompts/${enc(name)}/versions`, {
      commitMessage: "kinder",
    });

    await page.goto("/");
    await page.getByRole("link", { name }).click();
    await page.getByRole("heading", { name }).waitFor();
    // The header says what production serves before any tab is opened.
    const serving = page.getByRole("list", { name: "What each environment serves" });
    expect(await serving.textContent()).toContain("production v1");
    await page.getByRole("tab", { name: /^Versions/ }).click();
    const versions = page.getByRole("region", { name: "Versions", exact: true });
    expect(await versions.textContent()).toContain("kinder");
    // A version opens read-only, with what it was published with.
    await versions.getByRole("link", { name: /^v2/ }).click();
    const opened = page.getByRole("region", { name: /^v2/ });
    expect(await opened.textContent()).toContain("kinder");
    expect(await opened.getByRole("list", { name: "Messages" }).textContent()).toContain("system");
    expect(new URL(page.url()).search).toBe("?tab=versions&version=2");
    // A version that is not there (a word, or a number never published) is said so, with the way
    // back to the list.
    for (const asked of ["abc", "7"]) {
      await page.goto(`/prompts/${name}?tab=versions&version=${asked}`);
      const missing = page.getByRole("alert").filter({ hasText: "Version not found" });
      expect(await missing.textContent()).toContain(`There is no version ${asked} of this prompt.`);
      expect(await page.locator("main").textContent()).not.toContain("NaN");
    }
    await page.getByRole("link", { name: "See all 2 published versions" }).click();
    expect(new URL(page.url()).search).toBe("?tab=versions");
    await versions.getByRole("link", { name: /^v1/ }).waitFor();

    await page.getByRole("tab", { name: "Environments" }).click();
    const production = page.getByRole("row", { name: "environment production" });
    await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");

    await production.getByLabel("Version to deploy to production").selectOption("2");
    await production.getByRole("button", { name: "Deploy to production" }).click();
    // Production is protected: the deploy says what changes and is made with a reason.
    const confirmDeploy = page.getByRole("dialog", { name: "Confirm deploy" });
    expect(await confirmDeploy.textContent()).toContain(
      "Deploy v2 to production, which serves v1?",
    );
    const deployButton = confirmDeploy.getByRole("button", { name: "Deploy v2" });
    expect(await deployButton.isDisabled()).toBe(true);
    await confirmDeploy.getByLabel("Reason").fill("kinder wording for everyone");
    await deployButton.click();
    await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v2");
    await page.getByText("Deployed v2 to production").waitFor();
    // What is served already cannot be deployed again, and the row says so.
    expect(
      await production.getByRole("button", { name: "Deploy to production" }).isDisabled(),
    ).toBe(true);
    await production
      .getByText("production serves v2 already: pick another version to deploy.")
      .waitFor();

    await production.getByRole("button", { name: "Roll back production" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm rollback" });
    await capture(page, "rollback-confirmation", { fullPage: false });
    expect(await dialog.textContent()).toContain(
      "Roll back production from v2 to v1, undoing the deploy to v2 by admin",
    );
    await dialog.getByLabel("Reason").fill("v2 confuses refund requests");
    await dialog.getByRole("button", { name: "Roll back", exact: true }).click();
    await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");
    await page.getByText("Rolled back production to v1").waitFor();
    const timeline = page.getByRole("list", { name: "Deployment timeline" });
    await expect.poll(() => timeline.textContent()).toContain("rolled back production: v2 → v1");
    expect(await timeline.textContent()).toContain("“v2 confuses refund requests”");
    expect(await timeline.textContent()).toContain("“kinder wording for everyone”");

    // A change made elsewhere (the CLI, another person) shows up without a reload.
    await succeed(server, "POST", `/api/v1/prompts/${enc(name)}/deployments`, {
      environment: "staging",
      version: 2,
      reason: "from the CLI",
    });
    const staging = page.getByRole("row", { name: "environment staging" });
    await expect.poll(() => staging.getByRole("cell").nth(1).textContent()).toBe("v2");
    await expect.poll(() => timeline.textContent()).toContain("from the CLI");
  });

  test("edits the draft with unsaved-change protection, publishes with the suggested bump, and diffs versions", async ({
    page,
    server,
  }) => {
    const name = "sales/upsell";
    await createChatPrompt(server, name, { versions: ["Help {{customer}}."] });

    await page.goto(`/prompts/${name}`);
    await page.getByRole("heading", { name }).waitFor();
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Offer the yearly plan to {{plan}} customers.");
    await page.getByText("Unsaved changes").waitFor();
    // Leaving with unsaved changes asks first.
    await page.getByRole("link", { name: "Prompts" }).click();
    await page
      .getByRole("dialog", { name: "Unsaved changes" })
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

    await page.getByRole("tab", { name: "Compare" }).click();
    const compare = page.getByRole("region", { name: "Compare versions" });
    await compare.waitFor();
    await expect
      .poll(() => compare.getByRole("list", { name: "Changed fields" }).textContent())
      .toContain("message 1, content: changed");
    expect(await compare.locator(".cm-changedText").count()).toBeGreaterThan(0);
  });

  test("publishes a new prompt's first version with its model config, and deploys it to production", async ({
    page,
    server,
  }) => {
    const name = "support/triage";
    await createChatPrompt(server, name, { draft: "" });
    await succeed(server, "POST", "/api/v1/providers", { name: "triage-echo", kind: "echo" });

    await page.goto(`/prompts/${name}`);
    await page.getByRole("heading", { name }).waitFor();
    await page.getByRole("textbox", { name: "Message 1" }).click();
    await page.keyboard.type("Sort the ticket of {{team}}.");
    // The model is picked from the project's connections and typed into fields, not JSON.
    await page.getByLabel("Temperature").fill("3");
    await page.getByText("Temperature is a number from 0 to 2.").waitFor();
    expect(await page.getByRole("button", { name: "Save draft" }).isDisabled()).toBe(true);
    await page.getByLabel("Temperature").fill("0.2");
    await page.getByLabel("Provider").selectOption("triage-echo");
    await page.getByLabel("Model", { exact: true }).fill("gpt-4o-mini");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();
    const publish = page.getByRole("form", { name: "Publish the draft" });
    await publish.getByLabel("Commit message").fill("first triage prompt");
    await publish.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("status").filter({ hasText: "Published v1." }).waitFor();
    await page.getByRole("tab", { name: "Environments" }).click();
    const production = page.getByRole("row", { name: "environment production" });
    await production.getByRole("button", { name: "Deploy to production" }).click();
    const confirmDeploy = page.getByRole("dialog", { name: "Confirm deploy" });
    await confirmDeploy.getByLabel("Reason").fill("first triage release");
    await confirmDeploy.getByRole("button", { name: "Deploy v1" }).click();
    await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");

    const served = await succeed<{ content: unknown }>(
      server,
      "GET",
      `/api/v1/prompts/${enc(name)}/versions/1`,
    );
    expect(served.content).toMatchObject({
      messages: [{ role: "system", content: "Sort the ticket of {{team}}." }],
      config: { provider: "triage-echo", model: "gpt-4o-mini", temperature: 0.2 },
    });
  });

  test("charts each version over time with the deployments and rollbacks marked", async ({
    page,
    server,
  }) => {
    const name = "support/order-status";
    const path = `/api/v1/prompts/${enc(name)}`;
    await createChatPrompt(server, name, {
      versions: ["Say where order {{order}} is.", "Say where order {{order}} is, briefly."],
      deployed: { production: 1 },
    });
    await succeed(server, "POST", `${path}/deployments`, { environment: "production", version: 2 });
    await succeed(server, "POST", `${path}/rollbacks`, { environment: "production" });
    const now = Date.now();
    const traces = Array.from({ length: 12 }, (_, i) => ({
      id: `dash-${i}-trace`,
      startTime: new Date(now - (12 - i) * 60_000).toISOString(),
      latencyMs: i % 2 === 0 ? 300 : 900,
      prompt: { name, version: i % 2 === 0 ? 1 : 2, label: "production" },
      model: "gpt-4o-mini",
      usage: { inputTokens: 500, outputTokens: i % 2 === 0 ? 50 : 150 },
    }));
    await succeed(server, "POST", "/api/v1/traces", { traces });

    await page.goto(`/prompts/${name}?tab=metrics`);
    const dashboard = page.getByRole("region", { name: "Metrics" });
    await dashboard.waitFor();
    const totals = dashboard.getByRole("table", { name: "Per version totals" });
    await expect.poll(() => totals.getByRole("row").count()).toBeGreaterThanOrEqual(3);
    expect(await totals.textContent()).toContain("v2");
    const chart = dashboard.getByRole("figure", { name: "Calls per version" });
    await expect.poll(() => chart.locator(".recharts-line").count()).toBeGreaterThanOrEqual(2);
    // Counts: the axis has whole numbers only, and each line goes through every hour of the last
    // 24, at 0 where there were no calls, rather than joining two hours with calls across them.
    const ticks = await chart
      .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(tick).toMatch(/^\d+$/);
    expect(
      await chart.locator(".recharts-line-dots").first().locator(".recharts-line-dot").count(),
    ).toBeGreaterThanOrEqual(24);
    // The first deploy, the deploy and the rollback made before the page opened share one marker
    // at the start of their hour, where the calls they changed are drawn, and are listed with
    // their times.
    expect(await chart.textContent()).toMatch(/\d changes/);
    await dashboard.getByText("3 deployments and rollbacks in this range").click();
    const moves = dashboard.getByRole("list", { name: "Deployments in this range" });
    expect(await moves.textContent()).toContain("rollback production → v1 by admin");
    await dashboard.getByLabel("Measure").selectOption("latencyP50");
    const latency = dashboard.getByRole("figure", { name: "Latency p50 (ms) per version" });
    await latency.waitFor();
    // A latency has no value in an hour without calls: only the hours with calls have a point.
    expect(
      await latency.locator(".recharts-line-dots").first().locator(".recharts-line-dot").count(),
    ).toBeLessThanOrEqual(2);
    // The bucket size is a labelled choice of two.
    const per = dashboard.getByRole("radiogroup", { name: "Per" });
    expect(await per.getByRole("radio", { name: "Hour" }).isChecked()).toBe(true);
    await per.getByText("Day", { exact: true }).click();
    expect(await per.getByRole("radio", { name: "Day" }).isChecked()).toBe(true);
    await dashboard.getByText("over the last 30 days").waitFor();
    await latency.waitFor();
    await capture(page, "prompt-page");
  });

  test("shows an editor, before any click, that production needs an admin, and lets it deploy elsewhere", async ({
    page,
    server,
  }) => {
    const name = "support/guarded";
    await createChatPrompt(server, name, { versions: ["Guard {{thing}}."] });
    const editor = await succeed<{ key: string }>(server, "POST", "/api/v1/api-keys", {
      name: "editor-ui",
      role: "editor",
    });
    const signedIn = await page.request.post("/api/v1/session", { data: { apiKey: editor.key } });
    expect(signedIn.status()).toBe(200);

    await page.goto(`/prompts/${name}?tab=environments`);
    const production = page.getByRole("row", { name: "environment production" });
    await production
      .getByText(
        "environment 'production' is protected: moving it needs the admin role (your key has 'editor')",
      )
      .waitFor();
    expect(
      await production.getByRole("button", { name: "Deploy to production" }).isDisabled(),
    ).toBe(true);
    const staging = page.getByRole("row", { name: "environment staging" });
    // Why Roll back is off is written beside it, not only in a tooltip.
    expect(await staging.getByRole("button", { name: "Roll back staging" }).isDisabled()).toBe(
      true,
    );
    expect(
      await staging
        .getByText("Nothing to roll back: no deployment to staging left to undo.")
        .isVisible(),
    ).toBe(true);
    await staging.getByRole("button", { name: "Deploy to staging" }).click();
    await expect.poll(() => staging.getByRole("cell").nth(1).textContent()).toBe("v1");
    await staging.getByText("staging serves v1 already: pick another version to deploy.").waitFor();
    expect(
      await staging
        .getByText("Nothing to roll back to: v1 is the first version staging served.")
        .isVisible(),
    ).toBe(true);
  });

  test("on a phone, shows each environment as a card with its buttons in reach, and says when a deploy fails", async ({
    page,
    server,
  }) => {
    const name = "support/pocket";
    await createChatPrompt(server, name, {
      versions: ["Answer {{question}}.", "Answer {{question}} briefly."],
      deployed: { production: 1 },
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/prompts/${name}?tab=environments`);
    const production = page.getByRole("article", { name: "environment production" });
    await production.waitFor();
    // No table running off to the right: a card per environment, every button within the window.
    expect(await page.getByRole("row", { name: "environment production" }).count()).toBe(0);
    for (const button of await page.getByRole("article").getByRole("button").all()) {
      const box = await button.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBe(0);
    expect(await production.textContent()).toContain("Serves v1");

    const staging = page.getByRole("article", { name: "environment staging" });
    expect(
      await staging
        .getByText("Nothing to roll back: no deployment to staging left to undo.")
        .isVisible(),
    ).toBe(true);
    // A deploy the server refuses says so in a toast, and changes nothing.
    await page.route("**/deployments", (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 409,
            contentType: "application/problem+json",
            body: JSON.stringify({
              status: 409,
              code: "conflict",
              message: "staging changed while you were looking",
            }),
          })
        : route.fallback(),
    );
    await staging.getByRole("button", { name: "Deploy to staging" }).click();
    const failed = page
      .getByRole("alert")
      .filter({ hasText: "v2 could not be deployed to staging" });
    expect(await failed.textContent()).toContain("Staging changed while you were looking.");
    expect(await staging.textContent()).toContain("Serves nothing yet");
    await page.unroute("**/deployments");
    await staging.getByRole("button", { name: "Deploy to staging" }).click();
    await page.getByText("Deployed v2 to staging").waitFor();
    await expect.poll(() => staging.textContent()).toContain("Serves v2");
    await staging.getByText("staging serves v2 already: pick another version to deploy.").waitFor();

    // The dashboard's bucket size fits the phone on one line, its label above it.
    await page.getByRole("tab", { name: "Metrics" }).click();
    const per = page.getByRole("radiogroup", { name: "Per" });
    const box = await per.boundingBox();
    expect(box && box.x + box.width <= 390 && box.height < 48).toBe(true);
  });
});
