import type { Page } from "playwright-core";
import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

/** Picks the option named `option` in the Mantine Select labelled `label`. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole("combobox", { name: label, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/**
 * The filters whose label is not right above its control, or whose control is narrower than the
 * filters' grid: on a phone each is a label over a full-width control.
 */
function misplacedFilters(page: Page): Promise<string[]> {
  return page.getByRole("form", { name: "Filter traces" }).evaluate((form) => {
    const grid = form.firstElementChild?.getBoundingClientRect();
    const found: string[] = [];
    for (const label of form.querySelectorAll("label")) {
      const control = label.htmlFor && document.getElementById(label.htmlFor);
      if (!control || !grid) {
        found.push(`${label.textContent}: no control`);
        continue;
      }
      const l = label.getBoundingClientRect();
      const c = control.getBoundingClientRect();
      if (l.bottom > c.top + 1) found.push(`${label.textContent}: label not above its control`);
      if (Math.abs(l.left - c.left) > 1) found.push(`${label.textContent}: label not aligned`);
      if (c.width < grid.width - 1) {
        found.push(`${label.textContent}: ${c.width} px wide of ${grid.width}`);
      }
    }
    return found;
  });
}

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
    await choose(page, "Status", "error");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain(`${name} v2`);
    await choose(page, "Status", "any");
    await page.getByLabel("User").fill("ada");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain(`${name} v1 @production`);
    await page.getByLabel("User").fill("");
    await expect.poll(() => rows.count()).toBe(3);

    // Time: a preset asks from its start; a range is picked on calendars.
    await choose(page, "Time", "Last hour");
    await expect.poll(() => new URL(page.url()).searchParams.get("from")).toMatch(/Z$/);
    await expect.poll(() => rows.count()).toBe(3);
    await choose(page, "Time", "Between…");
    // "To" the 15th of last month, to the end of that day in the browser's time: before every trace.
    await page.getByLabel("To", { exact: true }).click();
    await page.getByRole("button", { name: "Previous month" }).click();
    await page.getByRole("button", { name: /^15 / }).click();
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByText("No trace matches.").waitFor();
    const to = new URL(page.url()).searchParams.get("to") ?? "";
    expect(to).toMatch(/Z$/);
    expect(
      await page.evaluate((iso) => {
        const at = new Date(iso);
        return [at.getDate(), at.getHours(), at.getMinutes()];
      }, to),
    ).toEqual([15, 23, 59]);

    // On a phone, each filter is its label over a full-width control.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "More filters" }).click();
    expect(await misplacedFilters(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });

    await choose(page, "Time", "Any time");
    await expect.poll(() => rows.count()).toBe(3);
    // A range in the URL shows in the pickers, in local time.
    await page.goto(`/traces?prompt=${enc(name)}&from=2020-06-15T12:00:00.000Z`);
    expect(await page.getByRole("combobox", { name: "Time" }).inputValue()).toBe("Between…");
    expect(await page.getByLabel("From", { exact: true }).textContent()).toContain("15 Jun 2020");
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
    const facts = page.getByRole("region", { name: "Facts" });
    expect(await facts.textContent()).toContain("ui-trace-feedback-1");
    expect(await facts.textContent()).toContain("Originan application");
    // The trace leads to the version that made it, and back to the list.
    expect(
      await facts.getByRole("link", { name: `${name} v1 (production)` }).getAttribute("href"),
    ).toBe(`/prompts/${name}?tab=versions&version=1`);
    expect(await page.getByRole("link", { name: "← All traces" }).getAttribute("href")).toBe(
      "/traces",
    );
    expect(await page.getByRole("list", { name: "Input messages" }).textContent()).toContain(
      "Where is my refund for order 42?",
    );
    // gpt-4o-mini: 1,000 × $0.15/M + 200 × $0.60/M.
    expect(await facts.textContent()).toContain("$0.000270");

    await capture(page, "trace");
    await page.getByLabel("Comment (optional)").fill("too vague");
    await page.getByRole("button", { name: "Thumbs down" }).click();
    await page.getByText("Recorded a thumbs down on this trace.").waitFor();
    await expect
      .poll(() => page.getByRole("list", { name: "Scores" }).textContent())
      .toContain("too vague");

    await page.goto(`/traces?prompt=${enc(name)}&scoreName=feedback&maxScore=0`);
    expect(await page.getByRole("combobox", { name: "Feedback" }).inputValue()).toBe("thumbs down");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain("ada");
    await choose(page, "Feedback", "thumbs up");
    await page.getByText("No trace matches.").waitFor();
  });

  test("leaves a link's other parameters out of what it asks the server", async ({ page }) => {
    await page.goto("/traces?utm_source=slack&status=ok&page=1e309");
    await page.getByRole("heading", { name: "Traces", exact: true }).waitFor();
    await page
      .getByRole("table", { name: "Traces list" })
      .or(page.getByText("No trace matches."))
      .first()
      .waitFor();
    expect(await page.getByText("could not be loaded").count()).toBe(0);
  });
});
