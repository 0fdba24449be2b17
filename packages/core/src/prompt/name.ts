import { z } from "zod";

const SEGMENT = "[A-Za-z0-9][A-Za-z0-9._-]*";
const PROMPT_NAME = new RegExp(`^${SEGMENT}(/${SEGMENT})*$`);

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
