import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

describeInBrowser("the traces screens in chromium", () => {
  test("lists a prompt's traces and narrows them by status and user", async ({ page, server }) => {
    const name = "support/refund-agent";
    await createChatPrompt(server, name, { versions: ["Help {{customer}}.", "Help kindly."] });
    const now = Date.now();
    await succeed(server, "POST", "/api/v1/traces", {
      traces: [
        {
          id: "ui-trace-ok-1",
          startTime: new Date(now - 2000).toISOString(),
          latencyMs: 420,
          prompt: { name, version: 1, label: "production" },
          model: "gpt-4o-mini",
          userId: "ada",
        },
        {
          id: "ui-trace-err-1",
          startTime: new Date(now - 1000).toISOString(),
          prompt: { name, version: 2 },
          model: "gpt-4o-mini",
          status: "error",
          error: "provider 'openai' answered 503: overloaded",
        },
      ],
    });

    await page.goto(`/traces?prompt=${enc(name)}`);
    await page.getByRole("heading", { name: "Traces" }).waitFor();
    const rows = page.getByRole("table").getByRole("row");
    await expect.poll(() => rows.count()).toBe(3);
    await capture(page, "traces");
    await page.getByLabel("Status").selectOption("error");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain(`${name} v2`);
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("User").fill("ada");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain(`${name} v1 @production`);
    await page.getByLabel("User").fill("");
    await expect.poll(() => rows.count()).toBe(3);

    // Time: a preset asks from its start; a range is picked on calendars.
    await page.getByLabel("Time").selectOption("1h");
    await expect.poll(() => new URL(page.url()).searchParams.get("from")).toMatch(/Z$/);
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByLabel("Time").selectOption("custom");
    await page.getByLabel("To").fill("2020-01-01T00:00");
    await page.getByText("No trace matches.").waitFor();
    await page.getByLabel("Time").selectOption("");
    await expect.poll(() => rows.count()).toBe(3);

    // Anywhere on a row opens its trace.
    await rows.nth(1).getByText("gpt-4o-mini").click();
    await page.waitForURL(/\/traces\/ui-trace-err-1$/);
  });

  test("opens a trace with what was sent and what it cost, and attaches feedback the list can filter by", async ({
    page,
    server,
  }) => {
    const name = "support/order-status";
    await createChatPrompt(server, name, { versions: ["Say where order {{order}} is."] });
    await succeed(server, "POST", "/api/v1/traces", {
      traces: [
        {
          id: "ui-trace-feedback-1",
          startTime: new Date(Date.now() - 1000).toISOString(),
          latencyMs: 420,
          prompt: { name, version: 1, label: "production" },
          model: "gpt-4o-mini",
          input: [{ role: "user", content: "Where is my refund for order 42?" }],
          output: [{ role: "assistant", content: "It was sent on Monday." }],
          usage: { inputTokens: 1000, outputTokens: 200 },
          userId: "ada",
        },
      ],
    });

    await page.goto(`/traces?prompt=${enc(name)}`);
    const rows = page.getByRole("table").getByRole("row");
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(1).getByRole("link").click();
    await page.getByRole("heading", { name: `${name} v1 — trace` }).waitFor();
    expect(await page.title()).toBe(`${name} v1 — trace · promptline`);
    expect(await page.locator(".facts").textContent()).toContain("ui-trace-feedback-1");
    expect(await page.locator(".facts").textContent()).toContain("Originan application");
    expect(await page.getByRole("list", { name: "Input messages" }).textContent()).toContain(
      "Where is my refund for order 42?",
    );
    // gpt-4o-mini: 1,000 × $0.15/M + 200 × $0.60/M.
    expect(await page.locator(".facts").textContent()).toContain("$0.000270");

    await capture(page, "trace");
    await page.getByLabel("Comment (optional)").fill("too vague");
    await page.getByRole("button", { name: "Thumbs down" }).click();
    await expect
      .poll(() => page.getByRole("list", { name: "Scores" }).textContent())
      .toContain("too vague");

    await page.goto(`/traces?prompt=${enc(name)}&scoreName=feedback&maxScore=0`);
    expect(await page.getByLabel("Feedback").inputValue()).toBe("down");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain("ada");
    await page.getByLabel("Feedback").selectOption("up");
    await page.getByText("No trace matches.").waitFor();
  });
});
