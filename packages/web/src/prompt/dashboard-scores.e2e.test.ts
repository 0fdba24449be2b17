import type { TraceDetail } from "@promptline/core";
import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

describeInBrowser("the per-version dashboard's scores in chromium", () => {
  test("charts each online-evaluation scorer's mean per version with the deployments marked", async ({
    page,
    server,
  }) => {
    const name = "support/scored";
    const path = `/api/v1/prompts/${enc(name)}`;
    await createChatPrompt(server, name, {
      versions: ["Answer about refunds.", "Answer about refunds, briefly."],
      deployed: { production: 1 },
    });
    await succeed(server, "PUT", `${path}/online-evaluations/production`, {
      rate: 1,
      scorers: [{ type: "contains", name: "mentions-refund", values: ["refund"] }],
    });
    await succeed(server, "POST", `${path}/deployments`, { environment: "production", version: 2 });
    const now = Date.now();
    const traces = Array.from({ length: 6 }, (_, i) => ({
      id: `scored-${i}-trace`,
      startTime: new Date(now - (6 - i) * 60_000).toISOString(),
      prompt: { name, version: i % 2 === 0 ? 1 : 2, label: "production" },
      output: i % 2 === 0 ? "your refund is on its way" : "it is on its way",
      status: "ok",
    }));
    await succeed(server, "POST", "/api/v1/traces", { traces });
    // Scored in the background: the last trace has its score once the worker got to it.
    await expect
      .poll(
        async () =>
          (await server.call<TraceDetail>("GET", "/api/v1/traces/scored-5-trace")).body.scores
            .length,
        { timeout: 10_000 },
      )
      .toBe(1);
    await server.services.onlineEvalWorker.idle();

    await page.goto(`/prompts/${name}?tab=metrics`);
    const dashboard = page.getByRole("region", { name: "Metrics" });
    await dashboard.waitFor();
    const scores = dashboard.getByRole("region", { name: "Scores" });
    await scores.waitFor();
    expect(await scores.getByRole("list", { name: "Online evaluation rules" }).textContent()).toBe(
      "production: 100% of production calls scored by mentions-refund",
    );
    const chart = scores.getByRole("figure", { name: "mentions-refund (mean score) per version" });
    await expect.poll(() => chart.locator(".recharts-line").count()).toBe(2);
    // Scores run from 0 to 1 whatever the values: the axis is fixed.
    const ticks = await chart
      .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(ticks[0]).toBe("0");
    expect(ticks.at(-1)).toBe("1");
    // The deploys that changed what production served are marked on the score chart too.
    expect(await chart.textContent()).toMatch(/2 changes|deploy production → v2/);
    await capture(page, "dashboard-scores");
  });
});
