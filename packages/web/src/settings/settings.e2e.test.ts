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
    await expect
      .poll(() => page.getByRole("row", { name: "price my-finetune" }).textContent())
      .toContain("project");
  });
});
