import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string, file = "index.ts") =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

const SOAK = "packages/server/src/soak.test.ts";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@promptline\/core$/, replacement: src("core") },
      { find: /^@promptline\/client$/, replacement: src("client") },
      { find: /^@promptline\/core\/template$/, replacement: src("core", "template/index.ts") },
      { find: /^@promptline\/core\/ids$/, replacement: src("core", "trace/ids.ts") },
      { find: /^@promptline\/server$/, replacement: src("server") },
      { find: /^@promptline\/sdk$/, replacement: src("sdk") },
    ],
  },
  test: {
    // The soak loads the whole machine: it runs alone, after every other suite has finished.
    projects: [
      {
        extends: true,
        test: {
          name: "suites",
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: [SOAK, "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: { name: "soak", include: [SOAK], sequence: { groupOrder: 1 } },
      },
    ],
    globalSetup: ["./packages/server/src/test-support/postgres-global-setup.ts"],
    // The default report for people, and a closing "N passed, N failed" line for CI logs.
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
