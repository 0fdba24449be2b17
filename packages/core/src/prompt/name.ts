import { z } from "zod";

const SEGMENT = "[A-Za-z0-9][A-Za-z0-9._-]*";
export const PROMPT_NAME = new RegExp(`^${SEGMENT}(/${SEGMENT})*$`);

/** A foldered prompt name such as `support/refund-agent`. */
export const promptNameSchema = z
  .string()
  .max(200, "a prompt name is at most 200 characters")
  .regex(
    PROMPT_NAME,
    "a prompt name is one or more '/'-separated segments of letters, digits, '.', '_' or '-', each starting with a letter or digit (e.g. support/refund-agent)",
  );

/** A tag on a prompt: short, no whitespace. */
export const tagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s,"]+$/, "a tag has no whitespace, commas or quotes");

/** A prompt named in one string: `name`, `name@label` or `name#version`. */
export interface PromptReference {
  name: string;
  label?: string;
  version?: number;
}

/** Parses a prompt reference, or returns why it is not one. */
export function parsePromptReference(text: string): PromptReference | string {
  const match = /^([^@#]+)(?:@([^@#]+)|#(\d+))?$/.exec(text);
  const example =
    "e.g. support/refund-agent, support/refund-agent@staging or support/refund-agent#3";
  if (!match) return `'${text}' is not a prompt reference (${example})`;
  const [, name, label, version] = match as unknown as [string, string, string?, string?];
  if (!promptNameSchema.safeParse(name).success) {
    return `'${name}' is not a prompt name (${example})`;
  }
  if (version !== undefined) {
    const n = Number(version);
    if (n < 1 || n > 2_147_483_647) return `'#${version}' is not a version number`;
    return { name, version: n };
  }
  return label === undefined ? { name } : { name, label };
}
