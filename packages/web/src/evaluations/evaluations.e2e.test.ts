import type { Page } from "playwright-core";
import { expect } from "vitest";
import { seedDataset } from "../../../server/src/test-support/datasets.js";
import { addConnection, startEvalUpstream } from "../../../server/src/test-support/eval.js";
import type { FakeUpstream } from "../../../server/src/test-support/fake-openai.js";
import type { TestServer } from "../../../server/src/test-support/harness.js";
import { capture, describeInBrowser, test } from "../test-support/browser.js";
import { enc, succeed } from "../test-support/seed.js";

/**
 * The fake upstream answers "echo: <prompt>": a version "{{question}}" gives "echo: q3", which is
 * every case's expected answer; "{{question}}!" gives "echo: q3!", which is none of them.
 */
const GOOD = "{{question}}";
const WORSE = "{{question}}!";
const CASES = 12;

/** A connection to a fresh fake upstream, closed when the test ends; the upstream. */
async function connect(
  server: TestServer,
  name: string,
  onCleanup: (fn: () => Promise<void>) => void,
): Promise<FakeUpstream> {
  const upstream: FakeUpstream = await startEvalUpstream();
  onCleanup(() => upstream.close());
  await addConnection(server, name, upstream);
  return upstream;
}

/** Publishes `text` (with `extra` config) as the prompt's next version; its number. */
async function publish(
  server: TestServer,
  prompt: string,
  connection: string,
  text: string,
  extra = {},
) {
  const version = await succeed<{ version: number }>(
    server,
    "POST",
    `/api/v1/prompts/${enc(prompt)}/versions`,
    {
      commitMessage: text,
      content: {
        type: "text",
        text,
        config: { provider: connection, model: "gpt-4o-mini", ...extra },
      },
    },
  );
  return version.version;
}

/**
 * A production trace of v1 answering q0, and a dataset whose first case is that trace (its
 * variables as input, its output as the reference), added from the trace's page, followed by
 * eleven more like it.
 */
async function datasetFromProduction(
  page: Page,
  server: TestServer,
  prompt: string,
  dataset: string,
) {
  await succeed(server, "POST", "/api/v1/traces", {
    traces: [
      {
        id: `${dataset.replace(/\W/g, "-")}-trace`,
        startTime: new Date().toISOString(),
        prompt: { name: prompt, version: 1, label: "production" },
        model: "gpt-4o-mini",
        input: "q0",
        output: "echo: q0",
        metadata: { variables: { question: "q0" } },
      },
    ],
  });
  await succeed(server, "POST", "/api/v1/datasets", { name: dataset });
  await page.goto(`/traces/${dataset.replace(/\W/g, "-")}-trace`);
  await page.getByRole("button", { name: "Add to dataset" }).click();
  const dialog = page.getByRole("form", { name: "Add to dataset" });
  await dialog.getByRole("combobox", { name: "Dataset" }).click();
  await page.getByRole("option", { name: dataset }).click();
  await dialog.getByLabel("Tags for the new cases").fill("from-production");
  await dialog.getByLabel("Tags for the new cases").press("Enter");
  await dialog.getByRole("button", { name: "Add to the dataset" }).click();
  await page.getByText(`Added 1 case to ${dataset}: saved as revision 1.`).waitFor();
  await succeed(server, "POST", `/api/v1/datasets/${enc(dataset)}/revisions`, {
    add: Array.from({ length: CASES - 1 }, (_, i) => ({
      input: { variables: { question: `q${i + 1}` } },
      expected: `echo: q${i + 1}`,
    })),
  });
}

async function pick(page: Page, label: string, option: RegExp | string) {
  await page.getByRole("combobox", { name: label, exact: true }).click();
  await page.getByRole("option", { name: option }).first().click();
  await page.keyboard.press("Escape");
}

/** Fills the new-evaluation form for `version` of `prompt` on `dataset` and starts it. */
async function startRun(page: Page, prompt: string, version: number, dataset: string) {
  await page.goto(`/evaluations/new?${new URLSearchParams({ prompt })}`);
  await page.getByRole("heading", { name: "New evaluation" }).waitFor();
  await pick(page, "Versions", new RegExp(`^v${version} `));
  await page.getByRole("combobox", { name: "Dataset" }).fill(dataset);
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Start evaluation" }).click();
  await page.getByRole("heading", { name: `Evaluation of ${prompt}` }).waitFor();
  await page.getByText(`${CASES * 2} of ${CASES * 2} done`).waitFor({ timeout: 30_000 });
}

/** The environments tab's production row: deploys `version` there, confirming with a reason. */
async function deployToProduction(page: Page, prompt: string, version: number) {
  await page.goto(`/prompts/${prompt}?tab=environments`);
  const production = page.getByRole("row", { name: "environment production" });
  await production.getByLabel("Version to deploy to production").selectOption(String(version));
  await production.getByRole("button", { name: "Deploy to production" }).click();
  const confirm = page.getByRole("dialog", { name: "Confirm deploy" });
  await confirm.getByLabel("Reason").fill(`ship v${version}`);
  await confirm.getByRole("button", { name: `Deploy v${version}` }).click();
  return production;
}

describeInBrowser("evaluations and gates in chromium", () => {
  test("a production trace's dataset, a worse candidate regressing, a refused deploy, the fix and a passing deploy", async ({
    page,
    server,
    onTestFinished,
  }) => {
    const prompt = "flow/answer";
    const dataset = "flow/questions";
    await connect(server, "flow-local", onTestFinished);
    await succeed(server, "POST", "/api/v1/prompts", { name: prompt, type: "text" });
    await publish(server, prompt, "flow-local", GOOD);
    await succeed(server, "POST", `/api/v1/prompts/${enc(prompt)}/deployments`, {
      environment: "production",
      version: 1,
    });
    await datasetFromProduction(page, server, prompt, dataset);
    const worse = await publish(server, prompt, "flow-local", WORSE);

    // The worse candidate against what production serves, started from the form.
    await startRun(page, prompt, worse, dataset);
    const equals = page.getByRole("article", { name: "equals: regressed" });
    await equals.waitFor();
    expect(await equals.textContent()).toContain("p < 0.001");
    const plot = equals.getByRole("img");
    expect(await plot.getAttribute("aria-labelledby")).toBeTruthy();
    expect(await equals.locator("svg title").textContent()).toContain(
      "baseline 1.00 (1.00 to 1.00); candidate 0.00 (0.00 to 0.00); difference −1.00 (−1.00 to −1.00)",
    );
    expect(await equals.textContent()).toContain(`${CASES} cases regressed, 0 improved`);
    await capture(page, "evaluation-regressed");
    const runUrl = new URL(page.url()).pathname;

    // Regressions only: every case, the two outputs side by side, each call's trace linked.
    await page.locator("label", { hasText: "Regressions only" }).click();
    await expect
      .poll(() => page.getByRole("radio", { name: "Regressions only" }).isChecked())
      .toBe(true);
    const cases = page.getByRole("table", { name: "Cases" });
    await expect.poll(() => cases.getByRole("row").count()).toBe(CASES + 1);
    const first = cases.getByRole("row").nth(1);
    expect(await first.textContent()).toContain("question: q0");
    expect(await first.textContent()).toContain("echo: q0!");
    expect(await first.textContent()).toContain("equals 0.00 (−1.00)");
    expect(await first.getByRole("link", { name: "Trace" }).count()).toBe(2);

    // The run's scores are part of the version's metadata, in the versions list too.
    await page.goto(`/prompts/${prompt}?tab=versions`);
    const worseRow = page
      .getByRole("table", { name: "Versions list" })
      .getByRole("row")
      .filter({ hasText: `v${worse} ` });
    await expect
      .poll(() => worseRow.textContent())
      .toContain(`${dataset}: equals 0.00 (regressed)`);

    // The admin sets production's gate from the recommended defaults, adding "no regression"
    // for patches too.
    await page.goto("/settings");
    await page.getByRole("combobox", { name: "Recommended defaults for dataset" }).fill(dataset);
    await page.getByRole("button", { name: "Use recommended defaults" }).click();
    await page.getByText(`Filled in the recommended policy for ${dataset}`).waitFor();
    await page
      .getByRole("group", { name: "patch rule" })
      .getByLabel("No significant regression against what the environment serves")
      .check();
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText("Saved the gate policy of production.").waitFor();
    const policy = page.getByRole("region", { name: "Gate policy of production" });
    await expect
      .poll(() => policy.textContent())
      .toContain(
        `patch: needs equals run on ${dataset} (for ${prompt}); no significant regression`,
      );

    // The environments tab says the gate refuses v2 before anyone deploys; the deploy is refused
    // with the reasons, their numbers and the run.
    const production = await deployToProduction(page, prompt, worse);
    const refusal = page
      .getByRole("alert")
      .filter({ hasText: "The gate of production refused v2" });
    await refusal.waitFor();
    expect(await refusal.getByRole("list", { name: "Unmet requirements" }).textContent()).toMatch(
      /equals.*regress/i,
    );
    expect(await refusal.getByRole("link", { name: "(the run)" }).getAttribute("href")).toBe(
      runUrl,
    );
    expect(await production.getByRole("cell").nth(1).textContent()).toBe("v1");
    expect(await production.textContent()).toContain("gate refuses");
    await capture(page, "gate-refused");

    // The fix: v3 answers like v1 (a config change only), evaluated, then deployed.
    const fixed = await publish(server, prompt, "flow-local", GOOD, { temperature: 0 });
    await startRun(page, prompt, fixed, dataset);
    await page.getByRole("article", { name: "equals: no significant change" }).waitFor();
    await page.goto(`/prompts/${prompt}?tab=environments`);
    await expect
      .poll(() => page.getByRole("row", { name: "environment production" }).textContent())
      .toContain("gate passes");
    await deployToProduction(page, prompt, fixed);
    await page.getByText(`Deployed v${fixed} to production`).waitFor();
    await expect
      .poll(() =>
        page
          .getByRole("row", { name: "environment production" })
          .getByRole("cell")
          .nth(1)
          .textContent(),
      )
      .toBe(`v${fixed}`);

    // The version's page shows its evaluation; the list shows both runs with their verdicts.
    await page.goto(`/prompts/${prompt}?tab=versions&version=${fixed}`);
    const evaluation = page.getByRole("region", { name: "Evaluations" });
    await expect.poll(() => evaluation.textContent()).toContain("no significant change");
    await page.goto(`/evaluations?${new URLSearchParams({ prompt })}`);
    const runs = page.getByRole("table", { name: "Evaluation runs" });
    await expect.poll(() => runs.getByRole("row").count()).toBe(3);
    expect(await runs.textContent()).toContain("regressed");
  });

  test("an admin deploys through a refusing gate with a reason, and the timeline says so", async ({
    page,
    server,
    onTestFinished,
  }) => {
    const prompt = "override/answer";
    const dataset = "override/questions";
    await connect(server, "override-local", onTestFinished);
    await succeed(server, "POST", "/api/v1/prompts", { name: prompt, type: "text" });
    await publish(server, prompt, "override-local", GOOD);
    await publish(server, prompt, "override-local", WORSE);
    await succeed(server, "POST", `/api/v1/prompts/${enc(prompt)}/deployments`, {
      environment: "staging",
      version: 1,
    });
    await seedDataset(server, dataset, [{ input: { variables: { question: "q" } } }]);
    const rule = { requirements: [{ dataset, scorer: "equals" }], noRegression: true };
    await succeed(server, "PUT", "/api/v1/environments/staging/gate", {
      policy: { patch: rule, minor: rule, major: rule },
    });

    await page.goto(`/prompts/${prompt}?tab=environments`);
    const staging = page.getByRole("row", { name: "environment staging" });
    await staging.getByRole("button", { name: "Deploy to staging" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "The gate of staging refused v2" });
    expect(await refusal.textContent()).toContain(dataset);
    await refusal.getByRole("button", { name: "Override the gate" }).click();
    const dialog = page.getByRole("dialog", { name: "Override the gate" });
    const through = dialog.getByRole("button", { name: "Override and deploy" });
    expect(await through.isDisabled()).toBe(true);
    await dialog.getByLabel("Reason").fill("hotfix: the outage needs v2 now");
    await through.click();
    await page.getByText("Deployed v2 to staging through its gate, overridden").waitFor();
    await expect.poll(() => staging.getByRole("cell").nth(1).textContent()).toBe("v2");
    const timeline = page.getByRole("list", { name: "Deployment timeline" });
    await expect.poll(() => timeline.textContent()).toContain("gate overridden");
    expect(await timeline.textContent()).toContain("hotfix: the outage needs v2 now");
  });

  test("a running run's progress moves on its page; it cancels, keeps what finished, and resumes to the end", async ({
    page,
    server,
    onTestFinished,
  }) => {
    const prompt = "live/answer";
    const dataset = "live/questions";
    const upstream = await connect(server, "live-local", onTestFinished);
    upstream.setDelay(150);
    await succeed(server, "POST", "/api/v1/prompts", { name: prompt, type: "text" });
    await publish(server, prompt, "live-local", GOOD);
    await datasetFromProduction(page, server, prompt, dataset);
    const run = await succeed<{ id: string }>(server, "POST", "/api/v1/eval-runs", {
      prompt,
      dataset,
      candidates: [{ version: 1 }],
      baseline: null,
      scorers: [{ type: "equals" }],
      concurrency: 1,
    });
    await page.goto(`/evaluations/${run.id}`);
    const progress = page.getByRole("region", { name: "Progress" });
    // The count moves while the page is open, without a reload.
    await progress.getByText(/^[1-9]\d* of 12 done$/).waitFor();
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.getByText("Cancelled the run; what finished is kept.").waitFor();
    await expect.poll(() => progress.textContent()).toContain("cancelled");
    const kept = Number((await progress.textContent())?.match(/(\d+) of 12 done/)?.[1]);
    expect(kept).toBeGreaterThan(0);
    upstream.setDelay(0);
    await page.getByRole("button", { name: "Resume run" }).click();
    await progress.getByText("12 of 12 done").waitFor();
    await expect.poll(() => progress.textContent()).toContain("completed");
    // No baseline: each variant's own scores, nothing compared.
    await page.getByText("This run had no baseline, so nothing is compared").waitFor();
  });

  test("an admin writes a gate policy in the form, is told beside each field what is wrong, and removes it", async ({
    page,
    server,
  }) => {
    const dataset = "policy/questions";
    await seedDataset(server, dataset, [{ input: { variables: { q: "x" } } }]);
    await page.goto("/settings");
    await page.getByRole("combobox", { name: "Environment", exact: true }).click();
    await page.getByRole("option", { name: "development", exact: true }).click();
    await page
      .getByText("development has no gate policy: every deploy to it passes freely.")
      .waitFor();
    const minor = page.getByRole("group", { name: "minor rule" });
    await minor
      .getByRole("switch", { name: "Minor changes (new behaviour that keeps the contract)" })
      .check();
    await minor.getByRole("button", { name: "Add a required run" }).click();
    await minor.getByRole("textbox", { name: "Scorer of minor requirement 1" }).fill("equals");
    await minor.getByRole("textbox", { name: "Minimum mean of minor requirement 1" }).fill("2");
    await page.getByRole("button", { name: "Save policy" }).click();
    await minor.getByText("Pick the dataset.").waitFor();
    await minor.getByText("A minimum mean is between 0 and 1.").waitFor();
    await minor.getByRole("combobox", { name: "Dataset of minor requirement 1" }).fill(dataset);
    await page.keyboard.press("Escape");
    await minor.getByRole("textbox", { name: "Minimum mean of minor requirement 1" }).fill("0.9");
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText("Saved the gate policy of development.").waitFor();
    const policy = page.getByRole("region", { name: "Gate policy of development" });
    await expect
      .poll(() => policy.textContent())
      .toContain(`minor: needs equals run on ${dataset} with a mean of at least 0.9`);
    expect(await policy.textContent()).toContain("patch: passes freely");

    await page.getByRole("button", { name: "Remove policy" }).click();
    await page
      .getByRole("dialog", { name: "Remove the gate policy" })
      .getByRole("button", { name: "Remove policy" })
      .click();
    await page
      .getByText("development has no gate policy: every deploy to it passes freely.")
      .waitFor();
  });

  test("a viewer reads evaluations but cannot start one, and is told why", async ({
    page,
    server,
  }) => {
    const viewer = await succeed<{ key: string }>(server, "POST", "/api/v1/api-keys", {
      name: "eval-viewer",
      role: "viewer",
    });
    expect(
      (await page.request.post("/api/v1/session", { data: { apiKey: viewer.key } })).status(),
    ).toBe(200);
    await page.goto("/evaluations");
    await page.getByRole("heading", { name: "Evaluations" }).waitFor();
    expect(await page.getByRole("button", { name: "New evaluation" }).isDisabled()).toBe(true);
    await page.getByText("Starting evaluations needs an editor or admin key.").waitFor();
    // Runs other tests made are listed; a prompt never evaluated says who can start one.
    await page.goto(`/evaluations?${new URLSearchParams({ prompt: "nobody/here" })}`);
    await page
      .getByText(
        "No evaluation of nobody/here yet. An editor or admin can start one; its results will be here.",
      )
      .waitFor();
    await page.goto("/evaluations/new");
    await page.getByText(/^Your key's role \(viewer\) can read evaluations/).waitFor();
    expect(await page.getByRole("button", { name: "Start evaluation" }).isDisabled()).toBe(true);
    await page.goto("/settings");
    await page.getByText("Setting and removing gate policies needs an admin key.").waitFor();
    expect(await page.getByRole("form", { name: "Gate policy" }).count()).toBe(0);
  });

  test("the form says beside each field what is missing before anything is sent", async ({
    page,
  }) => {
    await page.goto("/evaluations/new");
    await page.getByRole("button", { name: "Start evaluation" }).click();
    await page.getByText("Pick the prompt to evaluate.").waitFor();
    await page.getByText("Pick the dataset to run on.").waitFor();
    await page.getByText("Pick at least one candidate: a version, a label or the draft.").waitFor();
    // A scorer that needs a bound says so beside its field.
    await page.getByRole("combobox", { name: "Scorer 1 type" }).click();
    await page.getByRole("option", { name: "latency", exact: true }).click();
    await page.getByRole("textbox", { name: "At most (milliseconds)" }).fill("-5");
    await page.getByText("Must be more than 0.").waitFor();
    expect(
      await page
        .getByRole("textbox", { name: "At most (milliseconds)" })
        .getAttribute("aria-invalid"),
    ).toBe("true");
  });
});
