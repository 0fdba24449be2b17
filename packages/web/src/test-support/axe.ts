/** Accessibility checks of a page in the browser tests, with axe-core. */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** axe-core's source, evaluated in the page through the browser's debugging protocol. */
const AXE_SOURCE: string = createRequire(import.meta.url)("axe-core").source;

/** The serious and critical accessibility violations axe finds on the page, by rule and element. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is the global the evaluated source defines
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations as Array<{
      id: string;
      impact: string;
      nodes: Array<{ target: string[] }>;
    }>;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
