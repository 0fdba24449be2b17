import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_JSON_DEPTH } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { readPromptFile } from "./prompt-file.js";

const dir = mkdtempSync(join(tmpdir(), "promptline-prompt-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A text prompt whose config.extra.schema holds `depth` arrays inside one another, as JSON. */
const jsonNested = (depth: number) =>
  `{"type":"text","text":"hi","config":{"extra":{"schema":${"[".repeat(depth)}1${"]".repeat(depth)}}}}`;

/** The same as block YAML: one indented mapping per level. */
function yamlNested(depth: number): string {
  const lines = ["type: text", "text: hi", "config:", "  extra:"];
  for (let level = 0; level < depth; level++) lines.push(`${"  ".repeat(level + 2)}k:`);
  lines.push(`${"  ".repeat(depth + 2)}v: 1`);
  return `${lines.join("\n")}\n`;
}

const TOO_DEEP = `the prompt is nested more than ${MAX_JSON_DEPTH} levels deep`;

describe("prompt files", () => {
  // In a test worker, the YAML parser compiling its patterns first at the bottom of a stack that
  // deep nesting exhausted kills the worker (the CLI itself refuses such a file cold). So that no
  // case relies on an earlier one having read a file, a shallow one is read first.
  beforeAll(() => readPromptFile(file("shallow.json", jsonNested(1))));

  it("reads a normally nested YAML or JSON prompt", () => {
    expect(readPromptFile(file("ok.json", jsonNested(15))).config?.extra).toBeDefined();
    expect(readPromptFile(file("ok.yaml", yamlNested(15))).config?.extra).toBeDefined();
  });

  it.each([
    ["JSON a little past the limit", "past.json", jsonNested(MAX_JSON_DEPTH)],
    ["JSON nested 4,000 deep", "deep.json", jsonNested(4000)],
    ["YAML a little past the limit", "past.yaml", yamlNested(MAX_JSON_DEPTH)],
    ["YAML nested 3,000 deep", "deep.yaml", yamlNested(3000)],
  ])("refuses %s, naming the file and the limit", (_, name, text) => {
    const path = file(name, text);
    expect(() => readPromptFile(path)).toThrow(UsageError);
    expect(() => readPromptFile(path)).toThrow(`${path}: ${TOO_DEEP}`);
  });
});
