import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { createChatPrompt, enc, succeed } from "../test-support/seed.js";

type Server = Parameters<typeof succeed>[0];

/** Makes a dataset through the API with these cases (one revision), as the CLI would. */
async function seedDataset(server: Server, name: string, cases: object[]): Promise<void> {
  await succeed(server, "POST", "/api/v1/datasets", { name, description: "Refund questions" });
  if (cases.length > 0) {
    await succeed(server, "POST", `/api/v1/datasets/${enc(name)}/revisions`, {
      message: "first cases",
      add: cases,
    });
  }
}

/** A case with one variable, a reference and tags. */
const aCase = (customer: string, expected: string, tags: string[] = []) => ({
  input: { variables: { customer } },
  expected,
  tags,
});

/** A CSV file picked in the import form. */
async function pickFile(page: Page, name: string, text: string) {
  await page.locator('input[type="file"]').setInputFiles({
    name,
    mimeType: name.endsWith(".csv") ? "text/csv" : "application/x-ndjson",
    buffer: Buffer.from(text),
  });
}

/** The rows of the cases table, header first. */
const caseRows = (page: Page) => page.getByRole("table", { name: "Cases" }).getByRole("row");

/** Signs the page in with a new key of the given role. */
async function signInAs(page: Page, server: Server, role: string) {
  const created = await succeed<{ key: string }>(server, "POST", "/api/v1/api-keys", {
    name: `datasets-${role}`,
    role,
  });
  const response = await page.request.post("/api/v1/session", { data: { apiKey: created.key } });
  expect(response.status()).toBe(200);
}

describeInBrowser("the datasets screens in chromium", () => {
  test("creates a dataset, refuses a file with a bad line by its number and adds nothing, imports a good one and exports it", async ({
    page,
    server,
  }) => {
    const name = "support/refunds-import";
    await page.goto("/datasets");
    await page.getByRole("heading", { name: "Datasets", exact: true }).waitFor();
    await page.getByRole("button", { name: "New dataset" }).click();
    await page.getByLabel("Name (folders with /)").fill(name);
    await page.getByLabel("Description", { exact: true }).fill("Questions about refunds");
    await page.getByRole("button", { name: "Create dataset" }).click();
    await page.getByRole("heading", { name, exact: true }).waitFor();
    await page.getByText("No cases yet").waitFor();

    await page.getByRole("button", { name: "Import a file" }).click();
    await pickFile(
      page,
      "bad.csv",
      "customer,expected,metadata\nAda,Hello Ada,\nBob,Hi Bob,{not json}\n",
    );
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "Nothing was imported" });
    await refusal.waitFor();
    await capture(page, "dataset-import-refused");
    expect(await refusal.getByRole("listitem").allTextContents()).toEqual([
      expect.stringMatching(/^Line 3: metadata: not JSON/),
    ]);
    const untouched = await succeed<{ latestRevision: number; caseCount: number }>(
      server,
      "GET",
      `/api/v1/datasets/${enc(name)}`,
    );
    expect(untouched).toMatchObject({ latestRevision: 0, caseCount: 0 });

    await pickFile(
      page,
      "good.csv",
      'customer,expected,tags\nAda,Hello Ada,"edge,vip"\nBob,Hi Bob,\n',
    );
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByText("Imported 2 cases from good.csv: saved as revision 1.").waitFor();
    await expect.poll(() => caseRows(page).count(), { timeout: 10_000 }).toBe(3);
    const ada = caseRows(page).filter({ hasText: "Hello Ada" });
    expect(await ada.getByText("vip", { exact: true }).count()).toBe(1);
    expect(await ada.textContent()).toContain("imported from good.csv");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV of the latest revision" }).click(),
    ]);
    const exported = readFileSync(await download.path(), "utf8");
    expect(exported.split(/\r?\n/)[0]).toMatch(/^customer,expected,tags/);
    expect(exported).toContain("Ada,Hello Ada,");
    expect(exported).toContain("Bob,Hi Bob");

    // The list shows it with its folder, size and revision; its folder narrows the list.
    await page.getByRole("link", { name: "← All datasets" }).click();
    const listed = page
      .getByRole("table", { name: "Datasets" })
      .getByRole("row", { name: new RegExp(name) });
    await listed.waitFor();
    expect(await listed.getByRole("cell").allTextContents()).toEqual([
      `${name}Questions about refunds`,
      "support/",
      "2",
      "r1",
      expect.any(String),
    ]);
    await listed.getByRole("link", { name: "support/", exact: true }).click();
    await page.getByRole("heading", { name: "Datasets in support/" }).waitFor();
  });

  test("edits a case in place as a new revision, the older revision keeps the old value, and removes a case", async ({
    page,
    server,
  }) => {
    const name = "support/refunds-edit";
    await seedDataset(server, name, [aCase("Ada", "Hello Ada"), aCase("Bob", "Hi Bob", ["edge"])]);
    await page.goto(`/datasets/${name}`);
    await caseRows(page).filter({ hasText: "Hi Bob" }).waitFor();
    expect(await caseRows(page).count()).toBe(3);

    await page.getByRole("button", { name: "Edit the description" }).click();
    await page.getByLabel("Description", { exact: true }).fill("Refunds, late and partial");
    await page.getByRole("button", { name: "Save description" }).click();
    await page.getByText("The description is saved.").waitFor();
    await page.getByText("Refunds, late and partial", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Edit the case “Ada”" }).click();
    const editor = page.getByRole("form", { name: "Edit the case" });
    await editor
      .getByLabel("Expected output", { exact: true })
      .fill("Hello Ada, your refund is on its way");
    await editor.getByLabel("Tags").fill("regression");
    await editor.getByLabel("Tags").press("Enter");
    await editor.getByRole("button", { name: "Save the case" }).click();
    await page.getByText("Saved as revision 2.").waitFor();
    const edited = caseRows(page).filter({ hasText: "Ada" });
    await edited.getByText("Hello Ada, your refund is on its way").waitFor();
    expect(await edited.getByText("regression", { exact: true }).count()).toBe(1);
    await capture(page, "dataset");

    // Revision 1 is as it was, and read-only.
    await page.getByRole("combobox", { name: "Revision" }).click();
    await page.getByRole("option", { name: "Revision 1 — first cases" }).click();
    await page.getByText("Revision 1 of 2").waitFor();
    await caseRows(page)
      .filter({ hasText: "Ada" })
      .getByText("Hello Ada", { exact: true })
      .waitFor();
    expect(await page.getByRole("button", { name: /^Edit the case/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add a case" }).count()).toBe(0);

    await page.getByRole("button", { name: "Show the latest revision" }).click();
    await page.getByRole("button", { name: "Remove the case “Bob”" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove the case" }).click();
    await page.getByText("Saved as revision 3.").waitFor();
    await expect.poll(() => caseRows(page).count(), { timeout: 10_000 }).toBe(2);

    await page.getByRole("tab", { name: "Revisions" }).click();
    const revisions = page.getByRole("table", { name: "Revisions" }).getByRole("row");
    await expect.poll(() => revisions.count(), { timeout: 10_000 }).toBe(4);
    expect(await revisions.nth(1).textContent()).toContain("Removed a case");
    expect(await revisions.nth(2).textContent()).toContain("Edited a case");
    expect(await revisions.nth(3).textContent()).toContain("first cases");
  });

  test("a change made meanwhile refuses an edit with 409, keeps what was typed, and saves after a reload", async ({
    page,
    server,
  }) => {
    const name = "support/refunds-stale";
    await seedDataset(server, name, [aCase("Ada", "Hello Ada")]);
    await page.goto(`/datasets/${name}`);
    await page.getByRole("button", { name: "Edit the case “Ada”" }).click();
    const editor = page.getByRole("form", { name: "Edit the case" });
    await editor.getByLabel("Expected output", { exact: true }).fill("Refund approved by Zed");
    await succeed(server, "POST", `/api/v1/datasets/${enc(name)}/revisions`, {
      add: [aCase("Cy", "Hey Cy")],
    });
    await editor.getByRole("button", { name: "Save the case" }).click();
    await editor.getByText("Someone changed this dataset").waitFor();
    expect(await editor.getByLabel("Expected output", { exact: true }).inputValue()).toBe(
      "Refund approved by Zed",
    );
    await editor.getByRole("button", { name: "Reload" }).click();
    await caseRows(page).filter({ hasText: "Hey Cy" }).waitFor();
    await editor.getByRole("button", { name: "Save the case" }).click();
    await page.getByText("Saved as revision 3.").waitFor();
    await caseRows(page).filter({ hasText: "Refund approved by Zed" }).waitFor();
  });

  test("a trace becomes a case linked back to it, and the explorer adds every matching trace", async ({
    page,
    server,
  }) => {
    const prompt = "support/refund-agent-ds";
    const dataset = "support/from-production";
    await createChatPrompt(server, prompt, { versions: ["Help {{customer}}."] });
    const now = Date.now();
    await succeed(server, "POST", "/api/v1/traces", {
      traces: ["ds-trace-1", "ds-trace-2"].map((id, i) => ({
        id,
        startTime: new Date(now - i * 1000).toISOString(),
        prompt: { name: prompt, version: 1 },
        model: "gpt-4o-mini",
        metadata: { variables: { customer: i === 0 ? "Ada" : "Bob" } },
        input: [{ role: "user", content: "Where is my refund?" }],
        output: [{ role: "assistant", content: `Soon, ${i === 0 ? "Ada" : "Bob"}.` }],
      })),
    });

    await page.goto("/traces/ds-trace-1");
    await page.getByRole("button", { name: "Add to dataset" }).click();
    const dialog = page.getByRole("form", { name: "Add to dataset" });
    // The dialog makes one (other tests made other datasets on this server).
    await dialog.getByText("A new dataset", { exact: true }).click();
    await dialog.getByLabel("New dataset's name").fill(dataset);
    await dialog.getByLabel("Tags for the new cases").fill("thumbs-down");
    await dialog.getByLabel("Tags for the new cases").press("Enter");
    await dialog.getByRole("button", { name: "Add to the dataset" }).click();
    await page.getByText(`Added 1 case to ${dataset}: saved as revision 1.`).waitFor();

    await page.goto(`/datasets/${dataset}`);
    const row = caseRows(page).filter({ hasText: "Soon, Ada." });
    await row.waitFor();
    expect(await row.textContent()).toContain("customer: Ada");
    expect(await row.getByText("thumbs-down", { exact: true }).count()).toBe(1);
    expect(await row.getByRole("link", { name: /^trace / }).getAttribute("href")).toBe(
      "/traces/ds-trace-1",
    );

    await page.goto(`/traces?prompt=${enc(prompt)}`);
    await page.getByRole("button", { name: "Add all matching to a dataset" }).click();
    const all = page.getByRole("form", { name: "Add all matching to a dataset" });
    await all.getByRole("combobox", { name: "Dataset" }).click();
    await page.getByRole("option", { name: dataset }).click();
    await all.getByText("2 traces match: 2 cases will be added.").waitFor();
    await capture(page, "add-to-dataset", { fullPage: false });
    await all.getByRole("button", { name: "Add 2 cases" }).click();
    await page.getByText(`Added 2 cases to ${dataset}: saved as revision 2.`).waitFor();
  });

  test("a viewer reads datasets and traces without the actions that change them, told why", async ({
    page,
    server,
  }) => {
    const name = "support/refunds-viewer";
    await seedDataset(server, name, [aCase("Ada", "Hello Ada")]);
    await succeed(server, "POST", "/api/v1/traces", {
      traces: [{ id: "ds-viewer-trace", startTime: new Date().toISOString(), model: "m" }],
    });
    await signInAs(page, server, "viewer");

    await page.goto("/datasets");
    expect(await page.getByRole("button", { name: "New dataset" }).isDisabled()).toBe(true);
    await page.getByText("Creating datasets needs an editor or admin key.").waitFor();

    await page.goto(`/datasets/${name}`);
    await expect.poll(() => caseRows(page).count(), { timeout: 10_000 }).toBe(2);
    await page.getByText(/^Your key's role \(viewer\) can read this dataset/).waitFor();
    for (const action of ["Add a case", "Import a file", "Edit the description"]) {
      expect(await page.getByRole("button", { name: action }).count(), action).toBe(0);
    }
    expect(await page.getByRole("button", { name: /^(Edit|Remove) the case/ }).count()).toBe(0);
    // Reading includes taking a copy.
    await page.getByRole("link", { name: "Export JSONL of the latest revision" }).waitFor();

    await page.goto("/traces/ds-viewer-trace");
    await page.getByText("Adding traces to a dataset needs an editor or admin key.").waitFor();
    expect(await page.getByRole("button", { name: "Add to dataset" }).count()).toBe(0);
  });
});
