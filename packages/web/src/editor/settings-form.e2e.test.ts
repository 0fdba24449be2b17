import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

type Saved = { draft: { variables?: unknown; config?: unknown; constraints?: unknown } };

describeInBrowser("the draft's settings as a form in chromium", () => {
  test("lists the template's variables with type, default, description and required", async ({
    page,
    server,
  }) => {
    const name = "form/variables";
    await createChatPrompt(server, name, { versions: ["Plan {{days}} days in {{city}}."] });
    await page.goto(`/prompts/${name}`);

    const days = page.getByRole("region", { name: "Variable days" });
    await days.getByLabel("Type of days").selectOption("number");
    await days.getByLabel("Default of days").fill("three");
    await days.getByText("The default of days must be a number, such as 3 or 0.5.").waitFor();
    expect(await page.getByRole("button", { name: "Save draft" }).isDisabled()).toBe(true);
    await days.getByLabel("Default of days").fill("3");
    const city = page.getByRole("region", { name: "Variable city" });
    await city.getByLabel("Description of city").fill("Where the trip goes");
    // A plain {{city}} is required as the template uses it; the form says so and can change it.
    expect(await city.getByLabel("city is required").isChecked()).toBe(true);
    await city.getByLabel("city is required").uncheck();
    await capture(page, "draft-editor");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();
    const saved = await succeed<Saved>(server, "GET", `/api/v1/prompts/${enc(name)}`);
    expect(saved.draft.variables).toEqual({
      days: { type: "number", default: 3 },
      city: { type: "string", required: false, description: "Where the trip goes" },
    });

    // A variable the templates no longer use is offered for removal, which the server requires.
    const editor = page.getByRole("textbox", { name: "Message 1" });
    await editor.click();
    await page.keyboard.press("Control+a");
    await page.keyboard.type("Plan a trip to {{city}}.");
    await days.getByText("not in any template").waitFor();
    await page.getByRole("button", { name: "Remove days from the schema" }).click();
    await page.keyboard.press("Control+s");
    await page.getByText("Saved", { exact: true }).waitFor();
    const after = await succeed<Saved>(server, "GET", `/api/v1/prompts/${enc(name)}`);
    expect(after.draft.variables).toEqual({
      city: { type: "string", required: false, description: "Where the trip goes" },
    });
  });

  test("checks tools, response format and constraints as they are typed, in words", async ({
    page,
    server,
  }) => {
    const name = "form/tools";
    await createChatPrompt(server, name, { versions: ["Answer."] });
    await page.goto(`/prompts/${name}`);

    await page.getByRole("button", { name: "Tools and response format" }).click();
    await page.getByRole("textbox", { name: "Tools" }).click();
    await page.keyboard.type('[{"type": "function", "function": {"name": "look up"}}]');
    await page
      .getByText("Tool 1, function.name: a tool name has 1-64 letters, digits, _ or -.")
      .waitFor();
    await page.keyboard.press("Control+a");
    await page.keyboard.type('[{"type": "function",\n"function": {"name": "lookup",}}]');
    const said = page.getByText(/^The tools are not valid JSON \(line 2\)/);
    await said.waitFor();
    expect(await said.textContent()).not.toMatch(/position/);
    await page.keyboard.press("Control+a");
    await page.keyboard.type('[{"type": "function", "function": {"name": "lookup"}}]');

    await page.getByLabel("Response format", { exact: true }).selectOption("json_schema");
    await page.getByText("Name the response's schema.").waitFor();
    await page.getByLabel("Schema name").fill("answer");
    await page.getByRole("textbox", { name: "Response schema" }).click();
    await page.keyboard.type('{"type": "object"}');

    await page.getByRole("button", { name: "Output constraints" }).click();
    await page.getByLabel("Pattern", { exact: true }).fill("(");
    await page.getByText(/^The pattern is not a regular expression/).waitFor();
    await page.getByLabel("Pattern", { exact: true }).fill("^\\{");
    await page.getByLabel("Maximum length", { exact: true }).fill("400");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();
    const saved = await succeed<Saved>(server, "GET", `/api/v1/prompts/${enc(name)}`);
    expect(saved.draft.config).toEqual({
      tools: [{ type: "function", function: { name: "lookup" } }],
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" } },
    });
    expect(saved.draft.constraints).toEqual({ maxLength: 400, pattern: "^\\{" });
  });
});
