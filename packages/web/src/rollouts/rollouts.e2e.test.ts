import type { Page } from "playwright-core";
import { expect } from "vitest";
import { seedDataset } from "../../../server/src/test-support/datasets.js";
import { seriousViolations } from "../test-support/axe.js";
import { capture, describeInBrowser, overflow, test } from "../test-support/browser.js";
import { recordLooks, reportCalls } from "../test-support/rollouts.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

/** Confirms the open dialog's action with a reason (production is protected: one is required). */
async function confirm(page: Page, title: string, action: string, reason: string) {
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByRole("button", { name: action }).click();
  await dialog.waitFor({ state: "hidden" });
}

describeInBrowser("rollouts in the workspace, in chromium", () => {
  test("starts a canary from the environments tab, watches it live, advances, pauses and aborts it", async ({
    page,
    server,
  }) => {
    const name = "rollout/flow";
    await createChatPrompt(server, name, {
      versions: ["One.", "Two."],
      deployed: { production: 1 },
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/prompts/${name}?tab=environments`);
    const production = page.getByRole("row", { name: "environment production" });
    await production.getByRole("link", { name: "Start a rollout on production" }).click();

    // The form starts as the usual canary of the newest version, guarded on errors and latency.
    const form = page.getByRole("form", { name: "Start a rollout on production" });
    expect(await form.getByLabel("Candidate", { exact: true }).inputValue()).toBe("2");
    const steps = form.getByRole("list", { name: "Canary steps" });
    expect(await steps.getByRole("listitem").count()).toBe(4);
    expect(await form.getByLabel("Step 2: share (%)").inputValue()).toBe("25");
    expect(await form.getByLabel("Step 2: held (minutes)").inputValue()).toBe("30");
    expect(await form.getByLabel("Metric of guardrail 1").inputValue()).toBe("error_rate");
    await form.getByLabel("Reason").fill("v2 answers in fewer words");
    expect(await seriousViolations(page)).toEqual([]);
    await capture(page, "rollout-start");
    await form.getByRole("button", { name: "Start the rollout" }).click();

    await page.getByText("Started a canary of v2 on production").first().waitFor();
    await page.getByRole("heading", { name: "Rollout on production: v1 → v2" }).waitFor();
    await page.getByRole("heading", { name: "Step 1 of 4" }).waitFor();
    const shares = page.getByRole("list", { name: "Shares now" });
    expect(await shares.textContent()).toContain("v2: 5\u00a0%");
    expect(await shares.textContent()).toContain("v1 (control): 95\u00a0%");

    // Calls come in and the monitor looks: the open page shows both without a reload.
    const rollout = (
      await succeed<{ items: Array<{ id: number }> }>(
        server,
        "GET",
        `/api/v1/prompts/${enc(name)}/rollouts?active=true`,
      )
    ).items[0];
    if (!rollout) throw new Error("no rollout running");
    // As many calls as the looks counted, so the figures agree whichever look is the newest
    // (the guardrail monitor's own, where it runs, or these).
    await reportCalls(server, name, "production", [
      { version: 1, variant: "control", calls: 2280, errors: 46 },
      { version: 2, variant: "candidate", calls: 120, errors: 3 },
    ]);
    await recordLooks(server, rollout.id);
    const traffic = page.getByRole("table", { name: "Traffic per variant" });
    await expect.poll(() => traffic.textContent(), { timeout: 15_000 }).toContain("candidate v2");
    expect(await traffic.textContent()).toContain("control v1");
    const guardrail = page.getByRole("article", {
      name: "Guardrail: Error rate may rise by at most 2 percentage points",
    });
    await expect.poll(() => guardrail.textContent()).toContain("healthy");
    expect(await guardrail.textContent()).toContain("candidate 2.5 % over 120");
    expect(await guardrail.getByRole("figure", { name: /the difference over time/ }).count()).toBe(
      1,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await capture(page, "rollout-live");

    await page.getByRole("button", { name: "Advance" }).click();
    await confirm(page, "Advance the canary", "Advance to 25 %", "looks healthy");
    await page.getByRole("heading", { name: "Step 2 of 4" }).waitFor();
    const decisions = page.getByRole("list", { name: "Decisions" });
    await expect.poll(() => decisions.textContent()).toContain("Advanced to step 2 (25\u00a0%)");
    expect(await decisions.textContent()).toContain("looks healthy");

    await page.getByRole("button", { name: "Pause" }).click();
    await confirm(page, "Pause the rollout", "Pause", "watching a support ticket");
    await page.getByRole("button", { name: "Resume" }).waitFor();
    expect(await page.getByRole("heading", { name: /Rollout on production/ }).isVisible()).toBe(
      true,
    );
    await expect.poll(() => decisions.textContent()).toContain("Paused");

    // Abort asks first; cancelling leaves the rollout as it is.
    await page.getByRole("button", { name: "Abort" }).click();
    const abort = page.getByRole("dialog", { name: "Abort the rollout" });
    expect(await abort.textContent()).toContain("Everyone gets v1 again at once");
    await abort.getByRole("button", { name: "Cancel" }).click();
    await abort.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Abort" }).click();
    await confirm(page, "Abort the rollout", "Abort the rollout", "the ticket was about v2");
    await expect.poll(() => decisions.textContent()).toContain("the ticket was about v2");
    expect(await page.getByRole("button", { name: "Resume" }).count()).toBe(0);

    await page.getByRole("link", { name: "← Environments" }).click();
    await expect.poll(() => production.getByRole("cell").nth(1).textContent()).toBe("v1");
    await production.getByRole("link", { name: "Start a rollout on production" }).waitFor();
    // The ended rollout stays readable: in the list of rollouts and from the move that ended it.
    const history = page.getByRole("region", { name: "Rollouts" });
    expect(await history.textContent()).toContain(`#${rollout.id} production: v1 → v2aborted`);
    const timeline = page.getByRole("list", { name: "Deployment timeline" });
    await timeline.getByRole("link", { name: `Ended rollout #${rollout.id}` }).click();
    await page.getByRole("heading", { name: "Rollout on production: v1 → v2" }).waitFor();
  });

  test("says beside a field what the browser finds and what the server refuses", async ({
    page,
    server,
  }) => {
    const name = "rollout/checked";
    await createChatPrompt(server, name, { versions: ["One.", "Two."], deployed: { staging: 1 } });
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/rollouts")) {
        posts.push(request.url());
      }
    });
    await page.goto(`/prompts/${name}?tab=environments&start=staging`);
    const form = page.getByRole("form", { name: "Start a rollout on staging" });
    await form.getByLabel("Step 4: share (%)").fill("90");
    await form.getByRole("button", { name: "Start the rollout" }).click();
    const last = form.getByLabel("Step 4: share (%)");
    await expect.poll(() => last.getAttribute("aria-invalid")).toBe("true");
    await form.getByText("The last step gives the candidate everyone: 100 %.").waitFor();
    expect(posts).toEqual([]);

    // Fixed; a targeting rule with a pattern RE2 cannot compile is the server's to refuse.
    await last.fill("100");
    await form.getByRole("button", { name: "Add a targeting rule" }).click();
    await form.getByLabel("Attribute of rule 1, condition 1").fill("region");
    await form.getByLabel("Operator of rule 1, condition 1").selectOption("matches");
    const pattern = form.getByLabel("Pattern (RE2) of rule 1, condition 1");
    await pattern.fill("(eu");
    await form.getByRole("button", { name: "Start the rollout" }).click();
    await expect.poll(() => pattern.getAttribute("aria-invalid")).toBe("true");
    const said = await page.locator(`#${await pattern.getAttribute("aria-describedby")}`);
    expect(await said.textContent()).toMatch(/^Rule 1, condition 1's pattern/);
    expect(posts).toHaveLength(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("an environment says its rollout, deploys wait for it, and each version shows its share", async ({
    page,
    server,
  }) => {
    const name = "rollout/shares";
    await createChatPrompt(server, name, {
      versions: ["One.", "Two."],
      deployed: { production: 1 },
    });
    const rollout = await succeed<{ id: number; revision: number }>(
      server,
      "POST",
      `/api/v1/prompts/${enc(name)}/rollouts`,
      {
        environment: "production",
        strategy: "canary",
        candidates: [{ version: 2 }],
        canary: [
          { weight: 500, holdMinutes: 30 },
          { weight: 2500, holdMinutes: 30 },
          { weight: 10_000, holdMinutes: 0 },
        ],
      },
    );
    await page.goto(`/prompts/${name}?tab=environments`);
    const production = page.getByRole("row", { name: "environment production" });
    await production.getByRole("link", { name: "rollout running: v1 → v2 at 5\u00a0%" }).waitFor();
    const header = page.getByRole("list", { name: "What each environment serves" });
    expect(await header.textContent()).toContain("rollout: v2 at 5\u00a0%");
    expect(
      await production.getByRole("button", { name: "Deploy to production" }).isDisabled(),
    ).toBe(true);
    expect(await production.textContent()).toContain(
      "A rollout runs on production: promote or abort it first.",
    );

    await page.getByRole("tab", { name: /Versions/ }).click();
    const versions = page.getByRole("table", { name: "Versions list" });
    const row = (v: number) => versions.getByRole("row").filter({ hasText: `v${v} (` });
    await expect.poll(() => row(2).textContent()).toContain("production: 5\u00a0% (canary)");
    expect(await row(1).textContent()).toContain("production: 95\u00a0% (control)");

    // Advanced elsewhere (the CLI, the monitor): the change feed brings the new share.
    await succeed(server, "POST", `/api/v1/prompts/${enc(name)}/rollouts/${rollout.id}/advance`, {
      reason: "from the CLI",
    });
    await expect.poll(() => row(2).textContent()).toContain("production: 25\u00a0% (canary)");

    await row(2).getByRole("link", { name: "production: 25\u00a0% (canary)" }).click();
    await page.getByRole("heading", { name: "Rollout on production: v1 → v2" }).waitFor();
    await page.getByRole("heading", { name: "Step 2 of 3" }).waitFor();
  });

  test("the dashboard draws the control and the candidate apart while a rollout runs", async ({
    page,
    server,
  }) => {
    const name = "rollout/dashboard";
    await createChatPrompt(server, name, {
      versions: ["One.", "Two."],
      deployed: { production: 1 },
    });
    await succeed(server, "POST", `/api/v1/prompts/${enc(name)}/rollouts`, {
      environment: "production",
      strategy: "split",
      candidates: [{ version: 2, weight: 5000 }],
    });
    await reportCalls(server, name, "production", [
      { version: 1, variant: "control", calls: 6, errors: 0 },
      { version: 2, variant: "candidate", calls: 6, errors: 3 },
    ]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/prompts/${name}?tab=metrics`);
    const section = page.getByRole("region", {
      name: "Rollout on production: control v1 against candidate v2",
    });
    const errors = section.getByRole("figure", { name: "Error rate (%), per variant" });
    await errors.waitFor();
    expect(await section.getByRole("figure").count()).toBe(3);
    expect(await errors.textContent()).toContain("candidate v2");
    expect(await errors.textContent()).toContain("control v1");
    expect(await seriousViolations(page)).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await capture(page, "rollout-dashboard", { fullPage: false });
  });

  test("a split of two candidates with a targeting rule, one of them promoted", async ({
    page,
    server,
  }) => {
    const name = "rollout/split";
    await createChatPrompt(server, name, {
      versions: ["One.", "Two.", "Three."],
      deployed: { staging: 1 },
    });
    await page.goto(`/prompts/${name}?tab=environments&start=staging`);
    const form = page.getByRole("form", { name: "Start a rollout on staging" });
    await form.getByText("Split (A/B)").click();
    await form.getByLabel("Candidate 1", { exact: true }).selectOption("3");
    await form.getByLabel("Share of candidate 1 (%)").fill("20");
    await form.getByRole("button", { name: "Add a candidate" }).click();
    await form.getByLabel("Candidate 2", { exact: true }).selectOption("2");
    await form.getByLabel("Share of candidate 2 (%)").fill("10");
    await form.getByText("v1 (the control) gets the rest: 70\u00a0%.").waitFor();
    await form.getByRole("button", { name: "Add a targeting rule" }).click();
    await form.getByLabel("Attribute of rule 1, condition 1").fill("plan");
    await form.getByLabel("Value of rule 1, condition 1").fill("pro");
    await form.getByLabel("Version rule 1 serves").selectOption("2");
    await form.getByRole("button", { name: "Add a targeting rule" }).click();
    await form.getByLabel("Attribute of rule 2, condition 1").fill("region");
    await form.getByLabel("Operator of rule 2, condition 1").selectOption("in");
    await form.getByLabel("Values, comma-separated of rule 2, condition 1").fill("eu, uk");
    // The EU rule goes first: rules are tried in order.
    await form.getByRole("button", { name: "Move rule 2 up" }).click();
    expect(await form.getByLabel("Attribute of rule 1, condition 1").inputValue()).toBe("region");
    await form.getByRole("button", { name: "Start the rollout" }).click();

    await page.getByRole("heading", { name: "Rollout on staging: v1 → v3, v2" }).waitFor();
    const shares = page.getByRole("list", { name: "Shares now" });
    expect(await shares.textContent()).toContain("v3: 20\u00a0%");
    expect(await shares.textContent()).toContain("v2: 10\u00a0%");
    expect(await page.getByText("region is one of eu, uk → v3 (100\u00a0%)").count()).toBe(1);
    expect(await page.getByText("plan equals pro → v2 (100\u00a0%)").count()).toBe(1);

    await page.getByRole("button", { name: "Promote v2" }).click();
    const dialog = page.getByRole("dialog", { name: "Promote v2" });
    await dialog.getByRole("button", { name: "Promote v2" }).click();
    await page.getByText("Promoted the rollout on staging").first().waitFor();
    await page.getByText("promoted", { exact: true }).first().waitFor();
    await page.goto(`/prompts/${name}?tab=environments`);
    const staging = page.getByRole("row", { name: "environment staging" });
    await expect.poll(() => staging.getByRole("cell").nth(1).textContent()).toBe("v2");
  });

  test("a start the gate refuses is said above the form; an admin overrides it with a reason", async ({
    page,
    server,
  }) => {
    const name = "rollout/gated";
    const dataset = "rollout/gated-questions";
    // An environment of its own, so its gate refuses nothing another test does.
    await succeed(server, "POST", "/api/v1/environments", { name: "gated" });
    await createChatPrompt(server, name, { versions: ["One.", "Two."], deployed: { gated: 1 } });
    await seedDataset(server, dataset, [{ input: { variables: {} } }]);
    const rule = { requirements: [{ dataset, scorer: "equals" }] };
    await succeed(server, "PUT", "/api/v1/environments/gated/gate", {
      policy: { patch: rule, minor: rule, major: rule },
    });
    await page.goto(`/prompts/${name}?tab=environments&start=gated`);
    const form = page.getByRole("form", { name: "Start a rollout on gated" });
    await form.getByRole("button", { name: "Start the rollout" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "The gate of gated refused v2" });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(dataset);
    await refusal.getByRole("button", { name: "Override the gate" }).click();
    await confirm(page, "Override the gate", "Override and start", "the experiment is the test");
    await page.getByRole("heading", { name: "Rollout on gated: v1 → v2" }).waitFor();
  });

  test("the start form and the live view fit a phone, light or dark", async ({ page, server }) => {
    const name = "rollout/phone";
    await createChatPrompt(server, name, {
      versions: ["One.", "Two."],
      deployed: { production: 1 },
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/prompts/${name}?tab=environments`);
    const card = page.getByRole("article", { name: "environment production" });
    await card.getByRole("link", { name: "Start a rollout on production" }).click();
    const form = page.getByRole("form", { name: "Start a rollout on production" });
    await form.getByRole("button", { name: "Add a targeting rule" }).click();
    await form.getByLabel("Attribute of rule 1, condition 1").fill("plan");
    await form.getByLabel("Value of rule 1, condition 1").fill("pro");
    expect(await overflow(page)).toBe(0);
    await capture(page, "rollout-start-phone");
    await form.getByLabel("Reason").fill("a phone's rollout");
    await form.getByRole("button", { name: "Start the rollout" }).click();
    await page.getByRole("heading", { name: "Rollout on production: v1 → v2" }).waitFor();
    const id = new URL(page.url()).searchParams.get("rollout");
    await recordLooks(server, Number(id));
    await reportCalls(server, name, "production", [
      { version: 1, variant: "control", calls: 19, errors: 0 },
      { version: 2, variant: "candidate", calls: 1, errors: 0 },
    ]);
    await page.reload();
    await page.getByRole("table", { name: "Traffic per variant" }).waitFor();
    expect(await overflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await capture(page, "rollout-live-phone");
    // In the dark (following the system), the chart and the badges keep their contrast.
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
