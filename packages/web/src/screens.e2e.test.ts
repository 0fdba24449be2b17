import { expect } from "vitest";
import { seedDataset } from "../../server/src/test-support/datasets.js";
import {
  addConnection,
  startEvalUpstream,
  waitForRun,
} from "../../server/src/test-support/eval.js";
import { seriousViolations } from "./test-support/axe.js";
import { capture, describeInBrowser, overflow, test } from "./test-support/browser.js";
import { createChatPrompt, succeed } from "./test-support/seed.js";

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800, colorScheme: "light" },
  { name: "phone", width: 390, height: 844, colorScheme: "light" },
  { name: "dark", width: 1280, height: 800, colorScheme: "dark" },
] as const;

/**
 * Every main screen (each tab of the prompt page too), with the prompt and trace a test made,
 * and the heading that says it is ready.
 */
const screens = (
  prompt: string,
  traceId: string,
  dataset: string,
  run: { id: string; prompt: string },
) =>
  [
    ["/", "Prompts"],
    [`/prompts/${prompt}`, "Draft"],
    [`/prompts/${prompt}?tab=versions`, "Versions"],
    [`/prompts/${prompt}?tab=versions&version=1`, "v1 (1.0.0)"],
    [`/prompts/${prompt}?tab=environments`, "Environments"],
    [`/prompts/${prompt}?tab=compare`, "Compare versions"],
    [`/prompts/${prompt}?tab=metrics`, "Metrics"],
    ["/playground", "Playground"],
    ["/traces", "Traces"],
    [`/traces/${traceId}`, `${prompt} v1 — trace`],
    ["/datasets", "Datasets"],
    [`/datasets/${dataset}`, dataset],
    [`/datasets/${dataset}?revision=1`, dataset],
    [`/datasets/${dataset}?tab=revisions`, "Revisions"],
    ["/evaluations", "Evaluations"],
    ["/evaluations/new", "New evaluation"],
    [`/evaluations/${run.id}`, `Evaluation of ${run.prompt}`],
    ["/settings", "Settings"],
    ["/no/such/page", "Page not found"],
  ] as const;

/**
 * A finished evaluation run of a text prompt's v2 against production's v1 on twelve cases (every
 * one regressed), through a fake upstream closed when the test ends.
 */
async function finishedRun(
  server: Parameters<typeof succeed>[0],
  name: string,
  onTestFinished: (fn: () => Promise<void>) => void,
): Promise<{ id: string; prompt: string }> {
  const upstream = await startEvalUpstream();
  onTestFinished(() => upstream.close());
  const connection = `screens-${name}`;
  await addConnection(server, connection, upstream);
  const prompt = `screens/eval-${name}`;
  const dataset = `screens/questions-${name}`;
  await succeed(server, "POST", "/api/v1/prompts", { name: prompt, type: "text" });
  for (const text of ["{{question}}", "{{question}}!"]) {
    await succeed(server, "POST", `/api/v1/prompts/${encodeURIComponent(prompt)}/versions`, {
      commitMessage: text,
      content: { type: "text", text, config: { provider: connection, model: "gpt-4o-mini" } },
    });
  }
  await succeed(server, "POST", `/api/v1/prompts/${encodeURIComponent(prompt)}/deployments`, {
    environment: "production",
    version: 1,
  });
  await seedDataset(
    server,
    dataset,
    Array.from({ length: 12 }, (_, i) => ({
      input: { variables: { question: `q${i}` } },
      expected: `echo: q${i}`,
    })),
  );
  const run = await succeed<{ id: string }>(server, "POST", "/api/v1/eval-runs", {
    prompt,
    dataset,
    candidates: [{ version: 2 }],
    scorers: [{ type: "equals" }, { type: "contains", values: ["echo"] }],
  });
  await waitForRun(server, run.id);
  return { id: run.id, prompt };
}

describeInBrowser(
  "every main screen in chromium, on a desktop, on a phone and in dark mode",
  () => {
    test.for(VIEWPORTS)(
      "fits a $width px window and has no serious accessibility violation ($name, $colorScheme)",
      async ({ name, width, height, colorScheme }, { page, server, onTestFinished }) => {
        const prompt = `screens/greeter-${name}`;
        const traceId = `screens-trace-${name}`;
        await createChatPrompt(server, prompt, {
          versions: ["Greet {{person}}."],
          deployed: { production: 1 },
        });
        await succeed(server, "POST", "/api/v1/traces", {
          traces: [
            {
              id: traceId,
              startTime: new Date().toISOString(),
              prompt: { name: prompt, version: 1, label: "production" },
              model: "gpt-4o-mini",
              input: [{ role: "user", content: "Hello" }],
              output: [{ role: "assistant", content: "Hello, Ada." }],
            },
          ],
        });
        const dataset = `screens/cases-${name}`;
        await succeed(server, "POST", "/api/v1/datasets", {
          name: dataset,
          description: "Greetings",
        });
        for (const customer of ["Ada", "Bob"]) {
          await succeed(
            server,
            "POST",
            `/api/v1/datasets/${encodeURIComponent(dataset)}/revisions`,
            {
              message: `add ${customer}`,
              add: [
                {
                  input: { variables: { person: customer } },
                  expected: `Hello, ${customer}.`,
                  tags: ["smoke"],
                },
              ],
            },
          );
        }
        const run = await finishedRun(server, name, onTestFinished);
        await page.setViewportSize({ width, height });
        // Dark follows the system's preference; axe judges its contrast like the light one's.
        await page.emulateMedia({ colorScheme });
        await page.goto("/");
        const background = await page.evaluate(
          () => getComputedStyle(document.body).backgroundColor,
        );
        expect(background).toBe(colorScheme === "dark" ? "rgb(36, 36, 36)" : "rgb(255, 255, 255)");
        const found: string[] = [];
        for (const [path, heading] of screens(prompt, traceId, dataset, run)) {
          await page.goto(path);
          await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
          // docs/web.md shows the prompt page on a phone and the traces in the dark.
          if (name === "phone" && heading === "Draft") await capture(page, "phone-prompt");
          if (name === "dark" && heading === "Traces") await capture(page, "dark-traces");
          if (heading === "Traces") {
            // A table wider than a phone says it scrolls; on a desktop it fits and says nothing.
            const cue = page.getByText("Scroll sideways for more columns →");
            if (name === "phone") await cue.waitFor();
            else expect(await cue.count()).toBe(0);
          }
          const wider = await overflow(page);
          if (wider > 0) found.push(`${path}: ${wider} px wider than the window`);
          for (const violation of await seriousViolations(page))
            found.push(`${path}: ${violation}`);
        }
        expect(found).toEqual([]);
      },
      // A walk through every screen with an accessibility scan of each: on a loaded 2-core
      // machine (CI beside other jobs) it took over 30 s.
      120_000,
    );
  },
);
