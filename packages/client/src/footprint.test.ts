import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const sources = readdirSync(new URL(".", import.meta.url))
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
  .map((file) => ({ file, text: readFileSync(new URL(file, import.meta.url), "utf8") }));

describe("the client's footprint", () => {
  it("loads no schema code at run time: core and zod are imported for their types only", () => {
    const runtimeImports = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)]
        .map((match) => match[1] as string)
        .filter((specifier) => !specifier.startsWith("."))
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(sources.length).toBeGreaterThan(3);
    expect(runtimeImports).toEqual(["sse.ts: eventsource-parser"]);
  });
});
