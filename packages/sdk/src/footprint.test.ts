import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const packages = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * What a module loads when it runs: its imports as TypeScript compiles them, so imports of types
 * only (`import type`, or names used only as types) are gone, as they are from the built SDK.
 */
function runtimeImports(source: string): string[] {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      removeComments: true,
    },
  });
  // Statements start a line in the compiled output: a method named `export`, or a path such as
  // "/import" in a string, is not one.
  const patterns = [
    /^\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) =>
    [...outputText.matchAll(pattern)].map((match) => match[1] as string),
  );
}

/** The source file a workspace package's export (`@promptline/core/template`) is built from. */
function workspaceSource(specifier: string): string {
  const [, name, subpath] = /^@promptline\/([^/]+)(?:\/(.+))?$/.exec(specifier) as string[];
  const manifest = JSON.parse(readFileSync(join(packages, name as string, "package.json"), "utf8"));
  const target = manifest.exports[subpath ? `./${subpath}` : "."].default as string;
  return join(
    packages,
    name as string,
    target.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"),
  );
}

function localSource(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, "");
  const file = [`${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`${relative(packages, from)}: cannot find ${specifier}`);
  return file;
}

/** Every workspace source file and outside package that loading `entry` loads. */
function loadedBy(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const outside = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith(".")) visit(localSource(file, specifier));
      else if (specifier.startsWith("@promptline/")) visit(workspaceSource(specifier));
      else if (!specifier.startsWith("node:")) {
        outside.add(
          specifier
            .split("/")
            .slice(0, specifier.startsWith("@") ? 2 : 1)
            .join("/"),
        );
      }
    }
  };
  visit(entry);
  return {
    files: [...files].map((file) => relative(packages, file)).sort(),
    packages: [...outside].sort(),
  };
}

describe("the SDK's footprint", () => {
  it("loads no schema code and no server: only templates, ids, assignment and the transport", () => {
    const loaded = loadedBy(join(packages, "sdk/src/index.ts"));
    expect(loaded.files).toContain("sdk/src/client.ts");
    expect(loaded.files).toContain("client/src/transport.ts");
    expect(loaded.files).toContain("core/src/template/index.ts");
    expect(loaded.files).toContain("core/src/rollout/assign.ts");
    // core's index loads every zod schema; the SDK may load only modules that do not.
    expect(loaded.files).not.toContain("core/src/index.ts");
    expect(loaded.files.filter((file) => file.startsWith("server/"))).toEqual([]);
    expect(loaded.packages).toEqual(["eventsource-parser", "mustache"]);
  });

  it("would see a value imported from core's index, which loads zod, and not a type", () => {
    const value =
      'import { DEFAULT_LABEL } from "@promptline/core";\nexport const a = DEFAULT_LABEL;';
    const type = 'import { ChangeEvent } from "@promptline/core";\nexport let a: ChangeEvent;';
    expect(runtimeImports(value)).toEqual(["@promptline/core"]);
    expect(runtimeImports(type)).toEqual([]);
    expect(loadedBy(workspaceSource("@promptline/core")).packages).toContain("zod");
  });
});
