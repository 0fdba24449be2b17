import type { Page } from "playwright-core";
import { expect, onTestFinished } from "vitest";
import {
  type FakeUpstream,
  startFakeOpenAI,
} from "../../../server/src/test-support/fake-openai.js";
import type { TestServer } from "../../../server/src/test-support/harness.js";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

/** A fake OpenAI on loopback, connected as the provider `name` for this test only. */
async function connectFakeOpenAI(server: TestServer, name: string): Promise<FakeUpstream> {
  const upstream = await startFakeOpenAI();
  onTestFinished(() => upstream.close());
  await succeed(server, "POST", "/api/v1/providers", {
    name,
    kind: "openai",
    baseUrl: upstream.url,
    apiKey: "sk-local-test-key-0123456789",
  });
  return upstream;
}

/** Picks the option named `option` in the Mantine Select labelled `label`. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole("combobox", { name: label, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describeInBrowser("the playground in chromium", () => {
  test("runs versions side by side in the playground against a provider; the runs are traces marked as the playground's", async ({
    page,
    server,
  }) => {
    const upstream = await connectFakeOpenAI(server, "local");
    const name = "playground/greeter";
    await createChatPrompt(server, name, {
      versions: ["Greet {{person}} warmly."],
      config: { provider: "local", model: "gpt-4o-mini" },
      deployed: { production: 1 },
    });

    await page.goto("/playground");
    await page.getByRole("heading", { name: "Playground" }).waitFor();
    // Run says why it cannot start: no prompt yet, then one that does not exist.
    const run = page.getByRole("button", { name: "Run" });
    expect(await run.isDisabled()).toBe(true);
    await page.getByText("Pick a prompt to run.").waitFor();
    const snippets = page.getByText("Use this from code");
    expect(await snippets.count()).toBe(0);
    await page.getByRole("combobox", { name: "Prompt", exact: true }).fill("playground/nobody");
    await page
      .getByText("There is no prompt named 'playground/nobody': pick one from the list.")
      .waitFor();
    expect(await run.isDisabled()).toBe(true);
    // The field suggests the prompts whose name holds what is typed.
    await page.getByRole("combobox", { name: "Prompt", exact: true }).fill("greet");
    await expect
      .poll(() => page.getByRole("listbox").getByRole("option").allTextContents())
      .toContain(name);
    await page.getByRole("combobox", { name: "Prompt", exact: true }).fill(name);
    const person = page.getByLabel("person (required)");
    await person.waitFor();
    // No code to copy while Run cannot start: here a required variable is missing.
    await page.getByText("Fill the required variables: person.").waitFor();
    expect(await snippets.count()).toBe(0);
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
    // Each column says what its label resolves to.
    const headings = page.getByRole("region", { name: /^Result \d$/ }).getByRole("heading");
    expect(await headings.allTextContents()).toEqual(["production → v1", "latest → v1"]);
    const sent = upstream.requests.at(-1)?.body;
    expect(sent.messages[0]).toEqual({ role: "system", content: "Greet Ada warmly." });
    await capture(page, "playground");

    // The snippets make the same call, with the variables and message entered.
    await snippets.click();
    await page.getByRole("tab", { name: "openai SDK through the gateway" }).click();
    const openai = page.getByRole("figure", { name: "openai snippet" });
    expect(await openai.textContent()).toContain(`prompt:${name}@production`);
    expect(await openai.textContent()).toContain('content: "Hi there"');
    expect(await openai.textContent()).toContain('variables: {"person":"Ada"}');
    // Without a message, they send none (not an empty one), as Run does.
    await page.getByLabel("User message").fill("");
    await expect.poll(() => openai.textContent()).toContain("messages: [],");
    await page.getByRole("tab", { name: "curl" }).click();
    const curl = await page.getByRole("figure", { name: "curl snippet" }).textContent();
    expect(curl).toContain('"messages":[]');
    expect(curl).not.toContain('"role":"user"');

    // The runs were traced, with what they were filled with, as the playground's.
    const list = await succeed<{ items: Array<{ id: string; origin: string }> }>(
      server,
      "GET",
      `/api/v1/traces?prompt=${enc(name)}`,
    );
    expect(list.items.map((t) => t.origin)).toEqual(["playground", "playground"]);
    await page.goto(`/traces?prompt=${enc(name)}`);
    const traceRows = page.getByRole("table").getByRole("row");
    await expect.poll(() => traceRows.count()).toBe(3);
    expect(await traceRows.nth(1).textContent()).toContain(`${name} v1`);
    expect(await traceRows.nth(1).textContent()).toContain("playground");
    await page.goto("/playground");
    await page.getByRole("combobox", { name: "Prompt", exact: true }).fill(name);
    await page.getByLabel("person (required)").fill("");
    await page.getByLabel("Load inputs from trace").fill(list.items[0]?.id ?? "");
    await page.getByRole("button", { name: "Load" }).click();
    await expect.poll(() => page.getByLabel("person (required)").inputValue()).toBe("Ada");

    // The dashboard counts applications' calls: the runs appear only when asked for.
    await page.goto(`/prompts/${name}`);
    await page.getByRole("tab", { name: "Metrics" }).click();
    const dashboard = page.getByRole("region", { name: "Metrics" });
    await dashboard.getByText("No calls recorded for this prompt in the range yet.").waitFor();
    await dashboard.getByLabel("Include playground runs").check();
    const chart = page.getByRole("figure", { name: "Calls per version" });
    await expect.poll(() => chart.locator(".recharts-line").count()).toBeGreaterThanOrEqual(1);
  });

  test("compares a prompt's unpublished draft with what production serves", async ({
    page,
    server,
  }) => {
    const upstream = await connectFakeOpenAI(server, "local-triage");
    const name = "support/triage";
    await createChatPrompt(server, name, {
      versions: ["Sort the ticket of {{team}}."],
      draft: "Sort the ticket of {{team}} by urgency.",
      config: { provider: "local-triage", model: "gpt-4o-mini" },
      deployed: { production: 1 },
    });

    await page.goto("/playground");
    await page.getByRole("combobox", { name: "Prompt", exact: true }).fill(name);
    await choose(page, "Column 1", "draft");
    await choose(page, "Column 2", "production → v1");
    await page.getByLabel("team (required)").fill("billing");
    await page.getByLabel("User message").fill("Card declined");
    // Ctrl+Enter runs, as the Run button does.
    await page.keyboard.press("Control+Enter");
    for (const index of [1, 2]) {
      await expect
        .poll(() => page.getByLabel(`Output ${index}`).textContent())
        .toBe("echo: Card declined");
    }
    expect(upstream.requests.map((r) => r.body.messages[0].content).sort()).toEqual([
      "Sort the ticket of billing by urgency.",
      "Sort the ticket of billing.",
    ]);
    // Traces are written in the background, a moment after the answer streamed.
    const labels = async () => {
      const traces = await succeed<{ items: Array<{ prompt: { label: string | null } }> }>(
        server,
        "GET",
        `/api/v1/traces?prompt=${enc(name)}`,
      );
      return traces.items.map((t) => t.prompt.label).sort();
    };
    await expect.poll(labels).toEqual(["draft", "production"]);
  });
});
