import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@promptline/core": src("core"),
      "@promptline/server": src("server"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts"],
    globalSetup: ["./packages/server/src/test-support/postgres-global-setup.ts"],
    // The default report for people, and a closing "N passed, N failed" line for CI logs.
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
