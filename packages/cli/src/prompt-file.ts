import { readFileSync } from "node:fs";
import { type PromptContent, promptContentSchema } from "@promptline/core";
import { parse } from "yaml";
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
    throw new UsageError(`${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = promptContentSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(top level)"}: ${i.message}`,
    );
    throw new UsageError(`${path} is not a valid prompt: ${issues.join("; ")}`);
  }
  return parsed.data;
}
