import { readFileSync } from "node:fs";
import {
  type PromptContent,
  promptContentSchema,
  tooDeeplyNested,
  valueDepthExceeds,
} from "@promptline/core";
import { parse, YAMLParseError } from "yaml";
import { UsageError } from "./errors.js";

/**
 * Reads a prompt's content from a YAML or JSON file (the same shape as the API's PromptContent):
 *
 *   type: chat
 *   messages:
 *     - { role: system, content: "You help {{company}} customers." }
 *     - { type: placeholder, name: history }
 *   config: { model: gpt-4o, temperature: 0.2 }
 */
export function readPromptFile(path: string): PromptContent {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    // The YAML parser reads nesting by recursion and reports running out of stack this way.
    if (error instanceof YAMLParseError && error.code === "RESOURCE_EXHAUSTION") {
      throw tooDeep(path);
    }
    throw new UsageError(`${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (valueDepthExceeds(data)) throw tooDeep(path);
  const parsed = promptContentSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(top level)"}: ${i.message}`,
    );
    throw new UsageError(`${path} is not a valid prompt: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** The server refuses such content too; saying so here names the file. */
function tooDeep(path: string): UsageError {
  return new UsageError(`${path}: ${tooDeeplyNested("the prompt").message}`);
}
