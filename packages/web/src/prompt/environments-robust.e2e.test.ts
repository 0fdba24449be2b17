import { expect } from "vitest";
import { describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

type History = { items: Array<{ environment: string; toVersion: number }> };

describeInBrowser("the environments tab against clumsy and odd input, in chromium", () => {
  test("a double click on Deploy deploys once", async ({ page, server }) => {
    const name = "robust/double-click";
    await createChatPrompt(server, name, { versions: ["One.", "Two."] });
    await page.goto(`/prompts/${name}?tab=environments`);
    const staging = page.getByRole("row").filter({ hasText: /^staging/ });
    await staging.getByLabel("Version to deploy to staging").selectOption("2");
    await staging.getByRole("button", { name: "Deploy to staging" }).dblclick();
    await page.getByText("Deployed v2 to staging").first().waitFor();
    const history = await succeed<History>(
      server,
      "GET",
      `/api/v1/prompts/${enc(name)}/deployments`,
    );
    expect(history.items.filter((d) => d.environment === "staging")).toHaveLength(1);
  });

  test("a long unbroken reason wraps instead of widening a phone's page", async ({
    page,
    server,
  }) => {
    const name = "robust/long-reason";
    await createChatPrompt(server, name, { versions: ["One."] });
    await succeed(server, "POST", `/api/v1/prompts/${enc(name)}/deployments`, {
      environment: "staging",
      version: 1,
      reason: "x".repeat(2000),
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/prompts/${name}?tab=environments`);
    await page.getByText(/^“x+”$/).waitFor();
    const wider = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(wider).toBe(0);
  });

  test("a long environment name wraps on a phone", async ({ page, server }) => {
    const name = "robust/long-environment";
    await createChatPrompt(server, name, { versions: ["One."] });
    const environment = `e${"e".repeat(62)}`;
    await succeed(server, "POST", "/api/v1/environments", { name: environment });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/prompts/${name}?tab=environments`);
    await page.getByText(`Version to deploy to ${environment}`).waitFor();
    const wider = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(wider).toBe(0);
  });

  test("a double click on Publish publishes once", async ({ page, server }) => {
    const name = "robust/double-publish";
    await createChatPrompt(server, name, { versions: ["One."] });
    await succeed(server, "PUT", `/api/v1/prompts/${enc(name)}/draft`, {
      type: "chat",
      messages: [{ role: "system", content: "Two." }],
    });
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/versions"))
        posts.push(request.url());
    });
    await page.goto(`/prompts/${name}`);
    const publish = page.getByRole("form", { name: "Publish the draft" });
    await publish.getByLabel("Commit message").fill("two");
    await publish.getByRole("button", { name: "Publish" }).dblclick();
    await page.getByText("Published v2").first().waitFor();
    await page.waitForTimeout(300);
    expect(posts).toHaveLength(1);
  });
});
