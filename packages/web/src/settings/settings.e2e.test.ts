import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";

describeInBrowser("the settings screen in chromium", () => {
  test("connects a provider with a write-only key the page never shows again", async ({ page }) => {
    await page.goto("/settings");
    await page.getByRole("heading", { name: "Settings" }).waitFor();

    const connect = page.getByRole("form", { name: "Connect a provider" });
    // A refused field is said beside it, without the request's path.
    await connect.getByLabel("Name").fill("Bad Name!");
    await connect.getByRole("button", { name: "Connect" }).click();
    const nameField = connect.getByLabel("Name");
    await expect.poll(() => nameField.getAttribute("aria-invalid")).toBe("true");
    const said = await connect.locator("#provider-name-error").textContent();
    expect(said).toMatch(/^[A-Z].*\.$/);
    expect(said).not.toContain("body.");
    await connect.getByLabel("Name").fill("openai");
    await connect.getByLabel("Base URL").fill("https://api.openai.com/v1");
    await connect.getByLabel("API key (write-only)").fill("sk-ui-secret-key-abcdefgh1234");
    await connect.getByRole("button", { name: "Connect" }).click();
    const provider = page.getByRole("row", { name: "provider openai" });
    await expect.poll(() => provider.textContent()).toContain("…1234");
    // Saying so in a corner, too.
    await page.getByRole("alert").filter({ hasText: "Connected openai." }).waitFor();
    expect(await page.content()).not.toContain("sk-ui-secret-key");
    await page.reload();
    await expect.poll(() => provider.textContent()).toContain("…1234");
    expect(await page.content()).not.toContain("sk-ui-secret-key");

    // Removing asks first, saying what stops working.
    await provider.getByRole("button", { name: "Remove openai" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove the connection?" });
    expect(await confirm.textContent()).toContain("are refused until a connection");
    await confirm.getByRole("button", { name: "Remove openai" }).click();
    await expect.poll(() => provider.count()).toBe(0);
    await page
      .getByRole("alert")
      .filter({ hasText: "Removed the connection openai and its stored key." })
      .waitFor();
  });

  test("creates an API key shown only once, and revoking it locks it out", async ({
    page,
    server,
  }) => {
    await page.goto("/settings");
    const create = page.getByRole("form", { name: "Create an API key" });
    await create.getByLabel("Key name").fill("checkout-service");
    await create.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByRole("status").filter({ hasText: "shown only this once" });
    const secret = (await shown.locator("code").textContent()) ?? "";
    expect(secret).toMatch(/^pl_/);
    // In view at once, however long the list of keys above it.
    expect(await shown.isVisible()).toBe(true);
    await expect
      .poll(() =>
        shown.evaluate(
          (e) =>
            e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().bottom <= innerHeight,
        ),
      )
      .toBe(true);
    // A button copies the secret as it is.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await shown.getByRole("button", { name: "Copy the key" }).click();
    await shown.getByText("Copied").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const working = await fetch(`${server.url}/api/v1/environments`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(working.status).toBe(200);
    await page.reload();
    await page.getByRole("row", { name: "key checkout-service" }).waitFor();
    expect(await page.content()).not.toContain(secret);

    const row = page.getByRole("row", { name: "key checkout-service" });
    await row.getByRole("button", { name: "Revoke checkout-service" }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke the key?" });
    expect(await confirm.textContent()).toContain("this cannot be undone");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(await row.textContent()).not.toContain("revoked");
    await row.getByRole("button", { name: "Revoke checkout-service" }).click();
    await confirm.getByRole("button", { name: "Revoke checkout-service for good" }).click();
    await expect.poll(() => row.textContent()).toContain("revoked");
    await page
      .getByRole("alert")
      .filter({ hasText: "Revoked checkout-service: it is refused from now on." })
      .waitFor();
    const revoked = await fetch(`${server.url}/api/v1/environments`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(revoked.status).toBe(401);
    await capture(page, "settings");
  });

  test("sets a model price for the project", async ({ page }) => {
    await page.goto("/settings");
    const price = page.getByRole("form", { name: "Set a model price" });
    await price.getByLabel("Model").fill("my-finetune");
    await price.getByLabel("Input").fill("0.3");
    await price.getByLabel("Output").fill("1.2");
    await price.getByRole("button", { name: "Set price" }).click();
    const row = page.getByRole("row", { name: "price my-finetune" });
    await expect.poll(() => row.textContent()).toContain("project");
    expect(await row.textContent()).toContain("$0.3");
    await page
      .getByRole("alert")
      .filter({ hasText: "Set the project's price for my-finetune." })
      .waitFor();
    // The form is ready for the next model.
    expect(await price.getByLabel("Model").inputValue()).toBe("");

    // A model without a default price is gone once the project's is removed.
    await row.getByRole("button", { name: "Restore default for my-finetune" }).click();
    await expect.poll(() => row.count()).toBe(0);
    await page
      .getByRole("alert")
      .filter({ hasText: "Removed the project's price for my-finetune" })
      .waitFor();
  });
});
